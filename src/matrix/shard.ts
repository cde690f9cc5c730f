import { usageError } from '../util/errors.js';
import { hashOf, shortId } from '../util/hash.js';

// `--shard i/N`: every CI runner computes the whole split by itself and keeps its own part, so the split
// must depend only on what all runners share: the cells in matrix order and the durations they are given.
// With durations, a greedy longest-processing-time split (the slowest cell not yet placed goes to the
// shard with the least work so far) balances the shards; ties go by cell id and then by shard number, so
// no runner can decide differently. Without durations, cells are dealt round-robin in matrix order.

/** Cell id → its last known duration in ms. */
export type Durations = ReadonlyMap<string, number>;

/** One part of N, 1-based: `--shard 2/3` is `{ index: 2, count: 3 }`. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw usageError(
      'BAD_SHARD',
      `--shard ${text}: expected i/N with 1 ≤ i ≤ N, like 2/3 (the second of three shards)`,
      {
        hint: 'every runner of a CI matrix passes the same N and its own i: --shard 1/3, --shard 2/3, --shard 3/3',
      },
    );
  }
  return shard;
}

export const formatShard = (s: Shard): string => `${s.index}/${s.count}`;

/**
 * The cost of each cell for balancing: its duration, or for a cell without one the median of those
 * known. Undefined when no cell has a duration: there is nothing to balance by.
 */
function costs(cells: ReadonlyArray<{ id: string }>, durations?: Durations): Map<string, number> | undefined {
  const known = (id: string): number | undefined => {
    const d = durations?.get(id);
    return d !== undefined && Number.isFinite(d) && d >= 0 ? d : undefined;
  };
  const values = cells
    .map((c) => known(c.id))
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  if (values.length === 0) return undefined;
  const median = values[Math.floor((values.length - 1) / 2)];
  return new Map(cells.map((c) => [c.id, known(c.id) ?? median]));
}

const byCost = <T extends { id: string }>(cells: readonly T[], cost: Map<string, number>): T[] =>
  [...cells].sort((a, b) => cost.get(b.id)! - cost.get(a.id)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** The cells in the order to start them: slowest first when durations are known, else as given. */
export function slowestFirst<T extends { id: string }>(cells: readonly T[], durations?: Durations): T[] {
  const cost = costs(cells, durations);
  return cost ? byCost(cells, cost) : [...cells];
}

/** All N shards, each in the order to run it (slowest first when balanced by durations). */
export function splitShards<T extends { id: string }>(
  cells: readonly T[],
  count: number,
  durations?: Durations,
): T[][] {
  const shards: T[][] = Array.from({ length: count }, () => []);
  const cost = costs(cells, durations);
  if (!cost) {
    cells.forEach((cell, i) => shards[i % count].push(cell));
    return shards;
  }
  const load = Array<number>(count).fill(0);
  for (const cell of byCost(cells, cost)) {
    const lightest = load.indexOf(Math.min(...load));
    shards[lightest].push(cell);
    load[lightest] += cost.get(cell.id)!;
  }
  return shards;
}

/**
 * What the split was computed from, for results.json: runners that were given different durations cut
 * the matrix differently, and their shards do not fit together (a cell twice, another never).
 */
export function splitBasis(cells: ReadonlyArray<{ id: string }>, durations?: Durations): string {
  const cost = costs(cells, durations);
  return cost ? `durations:${shortId(hashOf([...cost].sort(([a], [b]) => (a < b ? -1 : 1))))}` : 'matrix-order';
}
