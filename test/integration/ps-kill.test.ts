import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import { descendantsMatching, stillRunning } from '../helpers/procs.js';
import type { Running } from '../../src/processes/ps.js';
import type { RunResult } from '../../src/results/types.js';

// `vmatrix ps` and `vmatrix kill` from another process, against a real `vmatrix test` whose cells sleep:
// the cells are listed, one is killed (it fails, the run goes on), then the run is stopped with SIGTERM (its cells killed, its results written).

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const SLEEP = 'sleep\u0000300';

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A `vmatrix test` of the sleepy project in the background, on a store of its own. */
// A failed test must not leave its run going: its cells would confuse the tests that count processes.
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function startSleepy() {
  const project = await gitProject('sleepy');
  const env = { VMATRIX_HOME: join(await mkdtemp(join(tmpdir(), 'vmx-int-')), 'store') };
  const child = spawn(process.execPath, [BIN, 'test', '--jobs', '2'], {
    cwd: project,
    env: { ...process.env, ...env, NO_COLOR: '1' },
  });
  started.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { project, env, child, output: () => out, closed };
}

function psOf(env: Record<string, string>): () => Promise<Running> {
  return async () => JSON.parse((await runCli(['ps', '--json'], { env })).stdout) as Running;
}

describe('vmatrix ps and vmatrix kill', () => {
  it('list the running cells, kill one of them, then stop the run', async () => {
    const { project, env, child, output, closed } = await startSleepy();
    const ps = psOf(env);
    const labels = (r: Running): string[] => r.cells.map((c) => c.cell).sort();

    // Only this run's cells count: another test's leftovers must not make this one wait or hurry.
    const mine = await waitFor(
      'two sleeping cells',
      () => descendantsMatching(child.pid!, SLEEP),
      (p) => p.length === 2,
    );
    const before = await ps();
    expect(before.runs).toEqual([
      { id: expect.stringMatching(/^\d{8}-\d{6}-\w{4}$/), pid: child.pid, project, startedAt: expect.any(String) },
    ]);
    const runId = before.runs[0]!.id;
    expect(labels(before)).toEqual(['busybox/n=1', 'busybox/n=2']);
    for (const c of before.cells) {
      expect(c).toMatchObject({ run: runId, pid: child.pid, project });
      expect(c.container).toMatch(new RegExp(`^vmx-${child.pid}-\\d-busybox-n-\\d$`));
      expect(c.runningMs).toBeGreaterThanOrEqual(0);
    }
    const table = await runCli(['ps'], { env });
    expect(table.stdout.split('\n')[0]).toMatch(/^RUN +PID +PROJECT +CELL +CONTAINER +RUNNING$/);
    expect(table.stdout).toContain(`${runId}  ${child.pid}`);

    const typo = await runCli(['kill', 'busybox/n=7'], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no run or cell called "busybox/n=7" is running');
    expect(typo.stderr).toMatch(/did you mean busybox\/n=[12]\?/);
    expect(typo.stderr).toContain(`run ${runId} (vmatrix pid ${child.pid}, ${project})`);

    const killCell = await runCli(['kill', 'busybox/n=1'], { env });
    expect(killCell.code, killCell.stderr).toBe(0);
    expect(killCell.stdout).toMatch(/^killed cell busybox\/n=1 \[vmx-[^\]]+\] of run \S+ \(\d+ process(es)?\)$/m);
    // The run goes on: the next cell takes the freed place, the other one still runs.
    const after = await waitFor('busybox/n=3 to start', ps, (r) => labels(r).includes('busybox/n=3'));
    expect(labels(after)).toEqual(['busybox/n=2', 'busybox/n=3']);

    const killRun = await runCli(['kill', runId], { env });
    expect(killRun.code, killRun.stderr).toBe(0);
    expect(killRun.stdout).toContain(`stopped run ${runId} (vmatrix pid ${child.pid})`);
    // A failed cell outranks the interruption in the exit status (exitCodeOf): 1, not 130.
    const { code } = await closed;
    const out = output();
    expect(code, out).toBe(1);
    expect(out).toMatch(/FAIL .* busybox\/n=1 +\(step "echo started-1; sleep 300" killed by SIGKILL\)/);
    expect(out).toContain('terminated: stopping the running cells now');
    const results = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
    expect(results.runId).toBe(runId);
    expect(results.cells.map((c) => [c.id, c.status])).toEqual([
      ['busybox/n=1', 'failed'],
      ['busybox/n=2', 'cancelled'],
      ['busybox/n=3', 'cancelled'],
    ]);
    expect(results.cells[0]).toMatchObject({ phase: 'test', signal: 'SIGKILL', exitCode: null });

    expect(await ps()).toEqual({ runs: [], cells: [] });
    const empty = await runCli(['ps'], { env });
    expect([empty.code, empty.stdout]).toEqual([0, 'no cells are running\n']);
    const gone = await runCli(['kill', runId], { env });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no vmatrix run is using this store');
    expect(await stillRunning(mine, SLEEP)).toEqual([]);
  }, 120_000);

  it('kill --force ends a run at once, and its cells with it', async () => {
    const { project, env, child, closed } = await startSleepy();
    const mine = await waitFor(
      'two sleeping cells',
      () => descendantsMatching(child.pid!, SLEEP),
      (p) => p.length === 2,
    );
    const [run] = (await psOf(env)()).runs;
    const killed = await runCli(['kill', run!.id, '--force'], { env });
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toContain(`killed run ${run!.id} (vmatrix pid ${run!.pid}) with SIGKILL`);
    expect(await closed).toEqual({ code: null, signal: 'SIGKILL' });
    // No results: the process had no chance to write them. Its cells died through their parent-death signal.
    expect(await readdir(join(project, '.vmatrix/runs', run!.id))).not.toContain('results.json');
    await waitFor(
      'the cells to die',
      () => stillRunning(mine, SLEEP),
      (p) => p.length === 0,
      10_000,
    );
    expect(await psOf(env)()).toEqual({ runs: [], cells: [] });
  }, 120_000);
});
