import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseUserns } from '../../src/vps/index.js';
import type { RunResult } from '../../src/results/types.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';

// Isolation, probed from inside cells by the real pipeline (`vmatrix test`): each cell of the fixture tries
// one thing a cell must not be able to do (see test/fixtures/projects/isolation/probe.sh) and fails when it
// can. The host side plants what the probes look for and checks afterwards that nothing reached it.

let project: string;
let canary: string;
let hostSleep: ChildProcess;
let server: Server;
let connections = 0;
let before: Map<string, string>;
let run: CliResult;
let result: RunResult;

async function treeHashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(e.parentPath, e.name);
    if (path.includes('/.git/') || path.includes('/.vmatrix')) continue;
    if (e.isFile())
      out.set(
        path,
        createHash('sha256')
          .update(await readFile(path))
          .digest('hex'),
      );
  }
  return out;
}

beforeAll(async () => {
  project = await gitProject('isolation');
  const scratch = await mkdtemp(join(tmpdir(), 'vmx-iso-'));
  canary = join(scratch, 'canary-file');
  await writeFile(canary, 'host secret\n');
  hostSleep = spawn('sleep', ['987.654'], { stdio: 'ignore' });
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await appendFile(
    join(project, 'vmatrix.yml'),
    `env:\n  CANARY: ${canary}\n  HOST_PID: ${hostSleep.pid}\n  HOST_PORT: ${port}\n`,
  );
  before = await treeHashes(project);
  run = await runCli(['test', '--jobs', '9'], { cwd: project, env: { VMATRIX_HOME: join(scratch, 'store') } });
  result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}, 180_000);

afterAll(() => {
  hostSleep?.kill();
  server?.close();
});

describe('a cell is isolated from the host and from other cells', { tags: ['safety', 'isolation'] }, () => {
  it('runs on a host that gives cells a user namespace (vmatrix doctor --fix sets it up)', async () => {
    expect((await chooseUserns()).map, 'root has no subordinate ids: run scripts/setup-host.sh').toBeDefined();
  });

  it('every probe passes: nothing the cells tried reached the host or another cell', async () => {
    const failed = result.cells.filter((c) => c.status !== 'passed');
    const logs = await Promise.all(failed.map((c) => readFile(join(project, c.logPath), 'utf8')));
    expect(
      failed.map((c) => c.id),
      `${run.stdout}\n${logs.join('\n')}`,
    ).toEqual([]);
    expect(run.code).toBe(0);
    for (const c of result.cells) {
      expect(await readFile(join(project, c.logPath), 'utf8')).toContain(`ISOLATED ${c.axes.probe}`);
    }
    expect(result.cells).toHaveLength(9);
  });

  it('ran the writer and the reader at the same time', () => {
    const cell = (p: string) => result.cells.find((c) => c.axes.probe === p)!;
    // Both sleep (4 s and 2 s); in one run of 9 jobs they overlap, which is what the reader's check needs.
    expect(result.durationMs).toBeLessThan(cell('writer').durationMs + cell('reader').durationMs + 20_000);
  });

  it("left the host's file, process, port and checkout as they were", async () => {
    expect(await readFile(canary, 'utf8')).toBe('host secret\n');
    expect(hostSleep.exitCode).toBeNull();
    expect(connections).toBe(0);
    expect(await treeHashes(project)).toEqual(before);
  });
});
