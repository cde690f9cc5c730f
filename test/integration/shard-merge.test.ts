import { mkdtemp, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';

// Issue 5's "done when": the matrix run as three shards, one after another as three CI runners would,
// then merged with vmatrix report --merge, equals the matrix run on one host.

let project: string;
let env: Record<string, string>;
let single: RunResult;
let singleRun: CliResult;
const shards: Array<{ cli: CliResult; file: string; result: RunResult }> = [];
let merge: CliResult;
let merged: RunResult;

const runs = (p: string) => join(p, '.vmatrix/runs');
async function latest(): Promise<{ file: string; result: RunResult }> {
  const file = join(runs(project), await readlink(join(runs(project), 'latest')), 'results.json');
  return { file, result: JSON.parse(await readFile(file, 'utf8')) as RunResult };
}
const outcome = (r: RunResult) => r.cells.map((c) => [c.id, c.status, c.exitCode]);

beforeAll(async () => {
  project = await gitProject('busybox-mix');
  env = { VMATRIX_HOME: join(await mkdtemp(join(tmpdir(), 'vmx-shard-')), 'store') };
  singleRun = await runCli(['test', '--jobs', '4'], { cwd: project, env });
  single = (await latest()).result;
  for (const i of [1, 2, 3]) {
    const cli = await runCli(['test', '--shard', `${i}/3`, '--jobs', '2'], { cwd: project, env });
    shards.push({ cli, ...(await latest()) });
  }
  const out = join(project, 'merged.json');
  merge = await runCli(['report', '--merge', ...shards.map((s) => s.file), '--output', out], { cwd: project });
  merged = JSON.parse(await readFile(out, 'utf8')) as RunResult;
}, 300_000);

describe('a sharded run over N=3, merged', () => {
  it('ran every cell exactly once over the shards', () => {
    expect(singleRun.code, singleRun.stdout + singleRun.stderr).toBe(1);
    const ran = shards.flatMap((s) => s.result.cells.map((c) => c.id));
    expect([...ran].sort()).toEqual(single.cells.map((c) => c.id).sort());
    expect(shards.map((s) => s.result.matrix?.shard)).toEqual(['1/3', '2/3', '3/3']);
  });

  it("balanced the shards by the single run's durations, the same for all three", () => {
    for (const s of shards)
      expect(s.cli.stderr).toContain(`balanced by the durations in .vmatrix/runs/${single.runId}/results.json`);
    expect(new Set(shards.map((s) => s.result.matrix?.split)).size).toBe(1);
    // The hanging cell runs into its 3 s timeout: the slowest by far, so it has a shard to itself.
    const hang = shards.find((s) => s.result.cells.some((c) => c.id === 'busybox/mode=hang'))!;
    expect(hang.result.cells).toHaveLength(1);
  });

  it('equals the single-host run: the same cells, statuses and exit codes, in the same order, each once', () => {
    expect(merge.code, merge.stderr).toBe(1);
    expect(outcome(merged)).toEqual(outcome(single));
    expect(merged.summary).toEqual(single.summary);
    expect(merged.matrix).toEqual({ configHash: single.matrix!.configHash, cells: single.matrix!.cells });
    const firstCell = (r: RunResult) => Math.min(...r.cells.map((c) => single.matrix!.cells.indexOf(c.id)));
    expect(merged.mergedFrom).toEqual(
      [...shards].sort((a, b) => firstCell(a.result) - firstCell(b.result)).map((s) => s.result.runId),
    );
  });

  it('prints the merged run like a single one', () => {
    expect(merge.stdout).toMatch(/^PASS .*busybox\/mode=ok$/m);
    expect(merge.stdout).toMatch(/^TIME .*busybox\/mode=hang {2}\(timed out in test\)$/m);
    expect(merge.stdout).toContain('4 cells: 2 passed, 1 failed, 1 timed out');
  });

  it('starts the slowest cell first once durations are known', async () => {
    // One at a time, so cells end in the order they started; in matrix order ok would come before hang.
    const r = await runCli(['test', '--jobs', '1', '--only', 'mode=ok', '--only', 'mode=hang'], { cwd: project, env });
    expect([...r.stdout.matchAll(/^\d\d:\d\d:\d\d (?:PASS|TIME) .*busybox\/mode=(\w+)/gm)].map((m) => m[1])).toEqual([
      'hang',
      'ok',
    ]);
  });

  it('runs exactly the cell --cell names', async () => {
    const r = await runCli(['test', '--cell', 'busybox/mode=fail'], { cwd: project, env });
    expect(r.code).toBe(1);
    expect(outcome((await latest()).result)).toEqual([['busybox/mode=fail', 'failed', 3]]);
  });
});
