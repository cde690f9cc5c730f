import { spawn, spawnSync } from 'node:child_process';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepCells } from '../../../src/vps/index.js';
import { mountsUnder } from '../../../src/vps/mounts.js';
import { exists } from '../../../src/util/fs.js';
import {
  leftovers,
  NOTHING_LEFT,
  processesWith,
  run,
  setupFixture,
  teardownFixture,
  uniqueId,
  type Fixture,
} from './helpers.js';

// "Nothing outlives the cell": at its end, on timeout, on abort, and when vmatrix itself is SIGKILLed.

let f: Fixture;
beforeAll(async () => {
  f = await setupFixture();
});
afterAll(async () => {
  await teardownFixture(f);
});

async function waitFor(what: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runCell: ending a cell', () => {
  it('kills background processes when the command ends', async () => {
    const id = uniqueId();
    const r = await run(f, `sleep 100 & echo started ${id}`, { id });
    expect(r.stdout).toBe(`started ${id}\n`);
    expect(r.durationMs).toBeLessThan(5000);
    expect(await leftovers(id, r.dir)).toEqual(NOTHING_LEFT);
  });

  it('kills the whole cell at its timeout', async () => {
    const id = uniqueId();
    const r = await run(f, `sleep 100; echo ${id}`, { id, timeoutMs: 300 });
    expect(r).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGKILL', stderr: '' });
    expect(r.durationMs).toBeLessThan(3000);
    expect(await leftovers(id, r.dir)).toEqual(NOTHING_LEFT);
  });

  it('kills the whole cell on abort', async () => {
    const id = uniqueId();
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 300);
    const r = await run(f, `sleep 100; echo ${id}`, { id, signal: ctl.signal });
    expect(r).toMatchObject({ timedOut: false, aborted: true, exitCode: null, signal: 'SIGKILL', stderr: '' });
    expect(r.durationMs).toBeLessThan(3000);
    expect(await leftovers(id, r.dir)).toEqual(NOTHING_LEFT);
  });

  it('does not start a cell whose signal is already aborted', async () => {
    const id = uniqueId();
    const r = await run(f, 'true', { id, signal: AbortSignal.abort() });
    expect(r).toMatchObject({ aborted: true, exitCode: null });
    expect(await exists(r.dir)).toBe(false);
  });
});

describe('runCell: vmatrix killed with SIGKILL', { tags: ['safety', 'killed'] }, () => {
  let dist: string;
  beforeAll(() => {
    // The child is plain Node: compile vps/ (and util/) for it.
    dist = join(f.tmp, 'dist');
    const tsc = spawnSync(
      'npx',
      [
        'tsc',
        '--outDir',
        dist,
        '--rootDir',
        'src',
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--target',
        'ES2022',
        '--skipLibCheck',
        '--types',
        'node',
        'src/vps/index.ts',
      ],
      { cwd: fileURLToPath(new URL('../../..', import.meta.url)), encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
  });

  it('leaves no process and no mount, and the next sweep removes the rest', async () => {
    await writeFile(join(dist, 'package.json'), '{"type":"module"}');
    await writeFile(
      join(dist, 'child.js'),
      [
        "import { detectRuntime, runCell } from './vps/index.js';",
        'const [root, dir, id] = process.argv.slice(2);',
        "await runCell(await detectRuntime(), { id, hostname: 'c', lowerdirs: [root], dir, args: ['/bin/sh', '-c', `sleep 100; echo ${id}`],",
        "  env: {}, cwd: '/', network: 'none', stdout: process.stdout, stderr: process.stderr });",
      ].join('\n'),
    );
    const id = uniqueId('vmx-killed');
    const runDir = join(f.cells, 'killed-run');
    const dir = join(runDir, 'cell');
    await mkdir(runDir, { recursive: true });
    const child = spawn(process.execPath, [join(dist, 'child.js'), f.root, dir, id], { stdio: 'inherit' });
    await writeFile(join(runDir, 'owner'), String(child.pid));
    await waitFor(async () => (await processesWith(`sleep 100; echo ${id}`)).length > 0, 10_000);
    // The cell's mounts live in its own namespace: the host never sees them, even while it runs.
    expect(await mountsUnder(dir)).toEqual([]);

    child.kill('SIGKILL');
    await waitFor(async () => (await processesWith(id)).length === 0, 5000);
    const after = await leftovers(id, dir);
    expect(after).toMatchObject({ processes: [], mounts: [], state: false, dir: true });
    expect(after.cgroups.length).toBeGreaterThan(0); // runc was killed before it could remove them

    expect(await sweepCells(f.cells)).toEqual([runDir]);
    expect(await leftovers(id, dir)).toEqual(NOTHING_LEFT);
    expect(await exists(runDir)).toBe(false);
  });
});

describe('sweepCells', { tags: ['safety', 'killed'] }, () => {
  async function runDir(name: string, owner?: string): Promise<string> {
    const dir = join(f.tmp, 'sweep', name);
    await mkdir(join(dir, 'cell'), { recursive: true });
    if (owner !== undefined) await writeFile(join(dir, 'owner'), owner);
    return dir;
  }

  it('keeps runs whose owner lives, and young runs without an owner; removes the others', async () => {
    const dead = spawnSync('true').pid;
    const live = await runDir('live', String(process.pid));
    const gone = await runDir('gone', String(dead));
    const young = await runDir('young');
    const old = await runDir('old');
    const past = new Date(Date.now() - 120_000);
    await utimes(old, past, past);
    const removed = await sweepCells(join(f.tmp, 'sweep'));
    expect(removed.sort()).toEqual([gone, old].sort());
    expect(await exists(live)).toBe(true);
    expect(await exists(young)).toBe(true);
  });

  it('returns nothing when there is no cells dir', async () => {
    expect(await sweepCells(join(f.tmp, 'no-such-dir'))).toEqual([]);
  });
});
