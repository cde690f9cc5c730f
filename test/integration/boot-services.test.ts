import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballCatalog } from '../fixtures/catalog.js';
import { testCacheDir } from '../fixtures/debian-roots.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { until } from '../helpers/procs.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// Issue 20, with real parts: Debian's systemd as PID 1 of a cell, Debian's nginx started by it from its own
// unit; Debian 11's PostgreSQL client against Debian 13's server in a service cell beside each test cell.
// The store is kept in the test cache (the setup layers: nginx, postgresql), so that only the first run on a
// machine builds them; every run boots, serves and queries in every cell.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

let work: string;
let env: Record<string, string>;
const projects: string[] = [];

async function project(name: string): Promise<string> {
  const dir = await gitProject(name);
  projects.push(dir);
  return dir;
}

async function results(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}

const logOf = (dir: string, c: CellResult): Promise<string> => readFile(join(dir, c.logPath), 'utf8');

/** Processes whose command line names `marker`: launchers, runtimes, inits and the network holders. */
async function processesOf(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(marker)) found.push(`${pid}: ${cmd.replaceAll('\0', ' ')}`);
  }
  return found;
}

/** Network namespaces other than the host's, of any process: a group's outlives its cells only through one. */
async function netnsOf(pids: string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const pid of pids) seen.add(await readlink(`/proc/${pid}/ns/net`).catch(() => ''));
  return seen;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-boot-'));
  env = {
    VMATRIX_HOME: join(testCacheDir(), 'store-boot'),
    VMATRIX_CATALOG: await debianTarballCatalog(join(work, 'catalog')),
  };
}, 1_800_000);

afterAll(async () => {
  for (const dir of projects) await rm(dir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('system cells: nginx from its systemd unit on Debian 12 and 13', () => {
  let dir: string;
  let run: CliResult;
  let result: RunResult;
  beforeAll(async () => {
    dir = await project('boot-nginx');
    run = await runCli(['test', '--jobs', '2'], { cwd: dir, env });
    result = await results(dir);
  }, 1_800_000);

  it('passes both cells, systemd being PID 1 and nginx its service', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result.cells.map((c) => [c.id, c.status])).toEqual([
      ['debian-12', 'passed'],
      ['debian-13', 'passed'],
    ]);
  });

  it("fetches the project's page over loopback from each release's own nginx", async () => {
    const server = { 'debian-12': /^nginx version: nginx\/1\.22\./m, 'debian-13': /^nginx version: nginx\/1\.26\./m };
    for (const c of result.cells) {
      const log = await logOf(dir, c);
      expect(log, c.id).toContain("hello from the project's site");
      expect(log, c.id).toMatch(server[c.id as keyof typeof server]);
      expect(log, c.id).toMatch(/^# its system came up in /m);
    }
  });

  it('records the boot: its time, and the console of systemd in the run directory', async () => {
    for (const c of result.cells) {
      expect(c.system?.readyMs, c.id).toBeGreaterThan(0);
      const console = await readFile(join(dir, c.system!.consoleLog), 'utf8');
      expect(console, c.id).toMatch(/systemd \d+.* running in system mode/);
      expect(console, c.id).toMatch(/Started .*nginx\.service/);
      // Stopped with systemd's own signal: it shut the system down itself.
      expect(console, c.id).toContain('Halting system.');
    }
  });

  it('attaches the journal of a failing cell, and says when a system does not come up in boot_timeout', async () => {
    const failing = await runCli(['test', '--config', 'failing.yml', '--keep', 'failed'], { cwd: dir, env });
    expect(failing.code, failing.stdout + failing.stderr).toBe(1);
    const r = await results(dir);
    const missing = r.cells.find((c) => c.id === 'debian-12/case=missing-unit')!;
    const slow = r.cells.find((c) => c.id === 'debian-12/case=slow-boot')!;
    expect(missing).toMatchObject({ status: 'failed', exitCode: 5 });
    expect(await logOf(dir, missing)).toContain('Unit no-such-thing.service not found.');
    const journal = await readFile(join(dir, missing.system!.journal!), 'utf8');
    expect(journal).toMatch(/systemd\[1\]: Startup finished in/);
    expect(missing.kept).toBeTruthy();
    expect(slow).toMatchObject({ status: 'error', exitCode: null });
    expect(slow.message).toBe('its system did not come up in 3.0s (boot_timeout): the last check said "starting"');
    // What systemd was still doing, and its journal up to then.
    const log = await logOf(dir, slow);
    expect(log).toMatch(/^# what it was still doing:\n(#.*\n)*#\s+\d+\s+slow\.service\s+start running$/m);
    expect(log).toContain('# the last lines of its journal');
    expect(log).toMatch(/systemd\[1\]: Starting slow\.service/);
    expect(slow.system?.readyMs).toBeUndefined();
  }, 600_000);
});

describe('services: a PostgreSQL client on Debian 11 against a server on Debian 13, four cells at once', () => {
  let dir: string;
  let run: CliResult;
  let result: RunResult;
  beforeAll(async () => {
    dir = await project('services-pg');
    run = await runCli(['test', '--jobs', '4'], { cwd: dir, env });
    result = await results(dir);
  }, 1_800_000);

  it('passes the four cells, each with its own server on port 5432 and its own table', async () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result.cells.map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    for (const c of result.cells) {
      const log = await logOf(dir, c);
      expect(log, c.id).toMatch(/^psql \(PostgreSQL\) 13\./m);
      expect(log, c.id).toMatch(/^17\.\d+ \(Debian 17\./m);
      expect(log, c.id).toContain('a file from the files service');
    }
  });

  it('says in each result and log when each service was ready, and keeps its log', async () => {
    for (const c of result.cells) {
      expect(
        c.services?.map((s) => [s.name, s.distro, s.status]),
        c.id,
      ).toEqual([
        ['db', 'debian-13', 'ready'],
        ['files', 'debian-13', 'ready'],
      ]);
      const db = c.services![0]!;
      expect(db.readyMs).toBeGreaterThan(0);
      expect(await logOf(dir, c)).toMatch(/^# service db \(debian-13\): ready in /m);
      // The server's own log: systemd started PostgreSQL's unit in the service cell.
      const console = await readFile(join(dir, db.logPath.replace(/db\.log$/, 'db.boot.log')), 'utf8');
      expect(console).toMatch(/Started .*postgresql/i);
    }
  });

  it("shows each cell's service logs in the HTML report", async () => {
    const page = await readFile(join(dir, '.vmatrix/runs/latest/report.html'), 'utf8');
    for (const c of result.cells) {
      for (const s of c.services!) expect(page, c.id).toContain(`service ${s.name} (debian-13): ready in`);
      expect(page).toContain(`${c.services![1]!.logPath}</summary>`);
    }
    expect(page).toContain('# vmatrix service db (debian-13) of cell debian-11-n-1');
  });

  it('publishes nothing on the host: no listener on 5432 or 8081 outside the cells', async () => {
    const tcp = (await readFile('/proc/net/tcp', 'utf8')) + (await readFile('/proc/net/tcp6', 'utf8'));
    expect(tcp).not.toMatch(/:(1538|1F91) [0-9A-F:]+ 0A /);
  });

  it('leaves no process, mount or network namespace after SIGKILL mid-run', async () => {
    const marker = env.VMATRIX_HOME!;
    const before = await netnsOf((await readdir('/proc')).filter((p) => /^\d+$/.test(p)));
    const child = spawn(process.execPath, [BIN, 'test', '--jobs', '4'], {
      cwd: dir,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<void>((r) => child.on('close', () => r()));
    // Mid-run: once a booted db service polls its readiness (the poll runs in the booted cell).
    const started = await until(
      async () => ((await processesOf('vmatrix-service-db')).length > 0 ? [] : ['not yet']),
      120_000,
    );
    expect(started, out).toEqual([]);
    child.kill('SIGKILL');
    await closed;
    expect(await until(() => processesOf(marker), 10_000)).toEqual([]);
    expect(await until(() => processesOf('vmatrix-service-'), 10_000)).toEqual([]);
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n');
    expect(mounts.filter((l) => l.includes(marker) || l.includes(' /run/vmatrix '))).toEqual([]);
    // Every process of a cell, a service or a group's network holder is in a network namespace of its own.
    const after = async () => {
      const seen = await netnsOf((await readdir('/proc')).filter((p) => /^\d+$/.test(p)));
      return [...seen].filter((ns) => !before.has(ns));
    };
    expect(await until(after, 10_000)).toEqual([]);
    // The next run sweeps the cgroups and passes.
    const again = await runCli(['test', '--jobs', '4'], { cwd: dir, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 600_000);
});
