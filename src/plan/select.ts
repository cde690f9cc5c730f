import { relative } from 'node:path';
import {
  filterCells,
  formatShard,
  parseShard,
  selectCells,
  splitBasis,
  splitShards,
  type Durations,
} from '../matrix/index.js';
import type { Cell } from '../matrix/types.js';
import { usageError } from '../util/errors.js';
import { lastFullRun, readResults } from '../results/files.js';
import { ranToEnd } from '../results/status.js';
import type { RunResult } from '../results/types.js';

// Which cells of the matrix a run runs, and in which order: --only patterns, --cell ids, then the
// --shard part of those; slowest first when the cells' durations are known from an earlier run.

/** Where the last known durations come from: the project's last full run (if any), or a results.json. */
export type DurationsSource = 'last-full-run' | { file: string };

export interface SelectOptions {
  /** --only patterns; none means every cell. */
  only?: string[];
  /** --cell: exactly these ids. */
  cellIds?: string[];
  /** --shard i/N. */
  shard?: string;
  /** Unset: durations are not looked up (cells run in matrix order, shards are dealt round-robin). */
  durations?: DurationsSource;
}

export interface Selection {
  /** In matrix order. */
  cells: Cell[];
  durations?: Durations;
  /** The results.json the durations were read from. */
  durationsFile?: string;
  /** `2/3`, and what the split was computed from (see splitBasis). */
  shard?: string;
  split?: string;
  /** For people: which part of the matrix this run is, and what it was balanced by. */
  note?: string;
}

export async function chooseCells(all: Cell[], projectDir: string, o: SelectOptions): Promise<Selection> {
  const only = o.only ?? [];
  let cells = only.length ? filterCells(all, only) : all;
  if (cells.length === 0) {
    throw usageError('NO_CELLS', `--only ${only.join(' ')} matches none of the ${all.length} cells`, {
      hint: '`vmatrix matrix` lists the cells; a pattern is a cell id, a glob like debian-*, or axis=value',
    });
  }
  if (o.cellIds?.length) cells = selectCells(cells, o.cellIds);
  const known = o.durations ? await loadDurations(projectDir, o.durations) : undefined;
  if (!o.shard) return { cells, durations: known?.durations, durationsFile: known?.file };
  const shard = parseShard(o.shard);
  const part = new Set(splitShards(cells, shard.count, known?.durations)[shard.index - 1].map((c) => c.id));
  const split = splitBasis(cells, known?.durations);
  const chosen = cells.filter((c) => part.has(c.id));
  const basis =
    split === 'matrix-order'
      ? 'dealt in matrix order (no durations known)'
      : `balanced by the durations in ${known!.file}`;
  return {
    cells: chosen,
    durations: known?.durations,
    durationsFile: known?.file,
    shard: formatShard(shard),
    split,
    note: `shard ${formatShard(shard)}: ${chosen.length} of ${cells.length} cells, ${basis}`,
  };
}

/** Cell id → duration of the cells that ran to an end (an error or a cancellation says nothing of the cell's speed). */
export function durationsOf(result: RunResult): Map<string, number> {
  return new Map(result.cells.filter((c) => ranToEnd(c.status)).map((c) => [c.id, c.durationMs]));
}

async function loadDurations(
  projectDir: string,
  source: DurationsSource,
): Promise<{ durations: Durations; file: string } | undefined> {
  if (source !== 'last-full-run') return { durations: durationsOf(await readResults(source.file)), file: source.file };
  const last = await lastFullRun(projectDir);
  return last && { durations: durationsOf(last.result), file: relative(projectDir, last.file) };
}
