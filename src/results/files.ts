import { lstat, readdir, readlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { kindOf, readRegular, type RegularRead } from '../util/host-fs.js';
import { formatSize } from '../util/size.js';
import type { RunResult } from './types.js';

// results.json files written by earlier runs, read back: for `vmatrix report`, and for the durations that
// balance shards and order cells slowest first.

/** Far more than the results of any matrix: a larger file is the wrong one. */
const MAX_RESULTS = 64 * 2 ** 20;

/**
 * A results.json, checked enough that the code reading it can trust its shape. It is read only as a
 * regular file (a FIFO would block, a device never end) and, with `follow: false` (a file found in the
 * project, not named by the operator), not through a link; its content is never quoted in a message.
 */
export async function readResults(file: string, o: { follow?: boolean } = {}): Promise<RunResult> {
  let read: RegularRead;
  try {
    read = await readRegular(file, MAX_RESULTS, { follow: o.follow ?? true });
  } catch (e) {
    throw usageError('RESULTS_NOT_FOUND', `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'a run writes .vmatrix/runs/<run-id>/results.json in its project',
      cause: e,
    });
  }
  if ('refused' in read) throw usageError('RESULTS_INVALID', `${file}: is ${read.refused}, not a regular file`);
  if ('tooLarge' in read)
    throw usageError('RESULTS_INVALID', `${file}: larger than ${formatSize(MAX_RESULTS)}, not a vmatrix results.json`);
  let value: unknown;
  try {
    value = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    // V8's message quotes the text: the file may not be what it says (a link to a secret).
    throw usageError('RESULTS_INVALID', `${file}: not JSON`, { cause: e });
  }
  const problem = shapeProblem(value);
  if (problem) throw usageError('RESULTS_INVALID', `${file}: not a vmatrix results.json: ${problem}`);
  return value as RunResult;
}

function shapeProblem(value: unknown): string | undefined {
  const r = value as Partial<RunResult> | null;
  if (!r || typeof r !== 'object') return 'expected an object';
  if (r.version !== 1) return `version ${String(r.version)}, this vmatrix reads version 1`;
  if (typeof r.runId !== 'string' || !Array.isArray(r.cells)) return 'no runId or cells';
  const bad = r.cells.findIndex(
    (c) => !c || typeof c.id !== 'string' || typeof c.status !== 'string' || typeof c.durationMs !== 'number',
  );
  return bad >= 0 ? `cells[${bad}] has no id, status or durationMs` : undefined;
}

/** `.vmatrix/runs/latest/results.json` of a project: what `vmatrix report --last` reads. */
export function lastResultsFile(projectDir: string): string {
  return join(projectDir, '.vmatrix', 'runs', 'latest', 'results.json');
}

/**
 * lastResultsFile, checked: `.vmatrix` and `runs` are directories, not links, and `latest` is a link to
 * a run directory beside it (a name, not a path), as vmatrix makes them. Exit 2 naming what is not.
 */
export async function checkedLastResultsFile(projectDir: string): Promise<string> {
  const runs = join(projectDir, '.vmatrix', 'runs');
  for (const [dir, shown] of [
    [join(projectDir, '.vmatrix'), '.vmatrix'],
    [runs, '.vmatrix/runs'],
  ] as const) {
    const st = await lstat(dir).catch(() => undefined);
    if (st && !st.isDirectory())
      throw unsafeRun(shown, st.isSymbolicLink() ? `a symbolic link (to ${await readlink(dir)})` : kindOf(st));
  }
  const target = await readlink(join(runs, 'latest')).catch(() => undefined);
  if (target !== undefined && (target.includes('/') || target === '..' || target === '.'))
    throw unsafeRun('.vmatrix/runs/latest', `a link to ${target}, not to a run beside it`);
  if (target !== undefined && !(await lstat(join(runs, target)).catch(() => undefined))?.isDirectory())
    throw unsafeRun(`.vmatrix/runs/${target}`, 'not a run directory');
  return lastResultsFile(projectDir);
}

function unsafeRun(shown: string, what: string): Error {
  return usageError('UNSAFE_PROJECT_PATH', `${shown} is ${what}: vmatrix does not read runs through it`, {
    hint: `vmatrix makes ${shown} itself; remove it (a project should not commit .vmatrix/) and run vmatrix test again`,
  });
}

/**
 * The project directory a results file's log and artifact paths are relative to: the one it sits in,
 * when it is still where a run wrote it (`<project>/.vmatrix/runs/<run>/results.json`), else the one
 * it names (where the run ran).
 */
export function projectDirOf(file: string, result: RunResult): string {
  const runs = dirname(dirname(resolve(file)));
  return basename(runs) === 'runs' && basename(dirname(runs)) === '.vmatrix' ? dirname(dirname(runs)) : result.project;
}

export async function writeResults(file: string, result: RunResult): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** How many runs back to look for a full one: older durations are stale, and reading them costs. */
const LOOK_BACK = 50;

/**
 * The newest run under `.vmatrix/runs` that ran its whole matrix, not a shard or an --only/--cell part:
 * shards run one after another on this machine must all see the same durations, and the runs of the
 * other shards must not change them.
 */
export async function lastFullRun(projectDir: string): Promise<{ file: string; result: RunResult } | undefined> {
  const runsDir = join(projectDir, '.vmatrix', 'runs');
  const ids = (await readdir(runsDir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .reverse()
    .slice(0, LOOK_BACK);
  for (const id of ids) {
    const file = join(runsDir, id, 'results.json');
    const result = await readResults(file, { follow: false }).catch(() => undefined);
    if (result?.matrix && !result.matrix.shard && result.cells.length === result.matrix.cells.length)
      return { file, result };
  }
  return undefined;
}
