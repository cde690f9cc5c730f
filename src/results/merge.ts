import { basename } from 'node:path';
import { usageError } from '../util/errors.js';
import { readResults } from './files.js';
import { summarise } from './summary.js';
import type { RunMatrix, RunResult } from './types.js';
import { newRunId } from './run-id.js';

// `vmatrix report --merge`: the results of runs that each ran part of one matrix (CI shards, or one job
// per cell) joined into one, with the content a single run of those cells on one host would have had:
// every cell once, in matrix order, the summary counted again. What cannot be the same is said in
// docs/ci.md: a new runId (mergedFrom lists the parts'), the earliest start, the latest end, the longest
// part's duration as durationMs (the parts ran side by side), jobs summed over the parts, and each
// cell's logPath pointing into its own part's run directory.

export interface ResultsFile {
  file: string;
  result: RunResult;
}

type Part = ResultsFile & { result: RunResult & { matrix: RunMatrix } };

export async function mergeResultFiles(files: string[]): Promise<RunResult> {
  return mergeResults(await Promise.all(files.map(async (file) => ({ file, result: await readResults(file) }))));
}

export function mergeResults(inputs: ResultsFile[], runId = newRunId()): RunResult {
  const given = distinctRuns(inputs.map(withMatrix));
  if (given.length === 0)
    throw usageError('NOTHING_TO_MERGE', 'no results to merge', {
      hint: 'vmatrix report --merge shard1/results.json shard2/results.json …',
    });
  checkSameMatrix(given);
  checkNoOverlap(given);
  checkShards(given);
  const order = new Map(given[0].result.matrix.cells.map((id, i) => [id, i]));
  const position = (id: string): number => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  // The part with the matrix's first cell comes first, whatever order the files were named in.
  const parts = [...given].sort((a, b) => firstPosition(a, position) - firstPosition(b, position));
  const first = parts[0].result;
  const cells = parts.flatMap((p) => p.result.cells).sort((a, b) => position(a.id) - position(b.id));
  const results = parts.map((p) => p.result);
  return {
    version: 1,
    runId,
    project: first.project,
    config: first.config,
    runtime: [...new Set(results.map((r) => r.runtime))].join(', '),
    ...(first.source && { source: first.source }),
    startedAt: results.map((r) => r.startedAt).sort()[0],
    finishedAt: results
      .map((r) => r.finishedAt)
      .sort()
      .at(-1)!,
    durationMs: Math.max(...results.map((r) => r.durationMs)),
    jobs: results.reduce((sum, r) => sum + r.jobs, 0),
    cells,
    summary: summarise(cells),
    matrix: { configHash: first.matrix.configHash, cells: first.matrix.cells },
    mergedFrom: results.map((r) => r.runId),
  };
}

const firstPosition = (p: Part, position: (id: string) => number): number =>
  Math.min(Number.MAX_SAFE_INTEGER, ...p.result.cells.map((c) => position(c.id)));

function withMatrix(input: ResultsFile): Part {
  if (input.result.matrix) return input as Part;
  throw usageError(
    'RESULTS_WITHOUT_MATRIX',
    `${input.file}: it does not say which matrix its cells are of (written by a vmatrix without --shard)`,
    {
      hint: 'run those cells again with this vmatrix, then merge',
    },
  );
}

/** The same run given twice (`runs/*\/results.json` also matches `runs/latest`) counts once. */
function distinctRuns(parts: Part[]): Part[] {
  const byRun = new Map<string, Part>();
  for (const p of parts) if (!byRun.has(p.result.runId)) byRun.set(p.result.runId, p);
  return [...byRun.values()];
}

/** Cells of the matrix that no part ran: a CI job that never uploaded its results, or an --only left out. */
export function cellsNotRun(result: RunResult): string[] {
  const ran = new Set(result.cells.map((c) => c.id));
  return (result.matrix?.cells ?? []).filter((id) => !ran.has(id));
}

function checkSameMatrix(parts: Part[]): void {
  const [first, ...rest] = parts;
  for (const p of rest) {
    const differ = (what: string, hint: string): Error =>
      usageError('RESULTS_DO_NOT_MATCH', `${p.file} and ${first.file} are results of ${what}`, { hint });
    if (basename(p.result.project) !== basename(first.result.project)) {
      throw differ(
        `different projects (${basename(p.result.project)}, ${basename(first.result.project)})`,
        'merge the results of one project at a time',
      );
    }
    if (
      p.result.matrix.configHash !== first.result.matrix.configHash ||
      p.result.matrix.cells.join('\n') !== first.result.matrix.cells.join('\n')
    ) {
      throw differ(
        'different configs (vmatrix.yml changed between the runs)',
        'run every part from the same commit of vmatrix.yml',
      );
    }
    if (p.result.source?.commit !== first.result.source?.commit) {
      throw differ(
        `different commits (${p.result.source?.commit ?? 'the working tree'}, ` +
          `${first.result.source?.commit ?? 'the working tree'})`,
        'run every part with the same --ref',
      );
    }
  }
}

function checkNoOverlap(parts: Part[]): void {
  const owner = new Map<string, string>();
  for (const p of parts) {
    for (const cell of p.result.cells) {
      const other = owner.get(cell.id);
      if (other !== undefined) {
        throw usageError(
          'RESULTS_OVERLAP',
          `cell ${cell.id} is in both ${other} and ${p.file}: merged, it would count twice`,
          {
            hint:
              'merge results of disjoint parts: the shards of one split (--shard i/N with one N), or one run ' +
              'per --cell',
          },
        );
      }
      owner.set(cell.id, p.file);
    }
  }
}

/** Shards of one split fit together only when they were cut alike, and the split is whole only with all of them. */
function checkShards(parts: Part[]): void {
  const shards = parts.filter((p) => p.result.matrix.shard);
  if (shards.length === 0) return;
  const cut = (p: Part): string => `${p.result.matrix.shard!.split('/')[1]} shards by ${p.result.matrix.split}`;
  const odd = shards.find((p) => cut(p) !== cut(shards[0]));
  if (odd) {
    throw usageError(
      'SHARDS_DO_NOT_MATCH',
      `${odd.file} is one of ${cut(odd)}, ${shards[0].file} one of ${cut(shards[0])}: their cells do not add up to ` +
        `the matrix`,
      {
        hint:
          'give every runner the same N and the same --durations file (or none), so that all compute the same ' +
          'split',
      },
    );
  }
  const count = Number(shards[0].result.matrix.shard!.split('/')[1]);
  const have = new Set(shards.map((p) => p.result.matrix.shard));
  const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter((s) => !have.has(s));
  if (missing.length > 0) {
    throw usageError(
      'SHARDS_MISSING',
      `shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${count} ` +
        `${missing.length === 1 ? 'is' : 'are'} missing: the merged result would lack their cells`,
      {
        hint:
          'pass the results.json of every shard (a failed CI job still uploads its results when the upload ' +
          'step runs always)',
      },
    );
  }
}
