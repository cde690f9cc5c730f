import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../../src/matrix/expand.js';
import { parseShard, slowestFirst, splitBasis, splitShards } from '../../../src/matrix/shard.js';
import { isVmError } from '../../../src/util/errors.js';

const cells = expandMatrix({
  distros: ['debian-11', 'debian-12', 'alpine-3.20'],
  matrix: { cc: ['gcc', 'clang'], build: ['debug', 'release'] },
  include: [],
  exclude: [],
});
const ids = (shards: Array<Array<{ id: string }>>) => shards.map((s) => s.map((c) => c.id));
const load = (shard: Array<{ id: string }>, d: Map<string, number>) => shard.reduce((sum, c) => sum + d.get(c.id)!, 0);
/** Deterministic, uneven durations: a few slow cells and many fast ones, as real matrices have. */
const durations = new Map(cells.map((c, i) => [c.id, [90_000, 5_000, 7_000, 61_000, 3_000, 4_000][i % 6]! + i * 100]));

describe('parseShard', () => {
  it('reads i/N', () => expect(parseShard('2/3')).toEqual({ index: 2, count: 3 }));

  it.each(['0/3', '4/3', '3', '1/0', 'a/b', '-1/2', '1/2/3'])('rejects %s as a usage error', (text) => {
    try {
      parseShard(text);
      expect.unreachable();
    } catch (e) {
      expect(isVmError(e) && e.exit).toBe(2);
      expect((e as Error).message).toContain(`--shard ${text}`);
    }
  });
});

describe('splitShards', () => {
  it('puts every cell in exactly one shard, for any N', () => {
    for (const n of [1, 2, 3, 5, 12, 20]) {
      for (const d of [undefined, durations]) {
        const all = splitShards(cells, n, d)
          .flat()
          .map((c) => c.id);
        expect(all).toHaveLength(cells.length);
        expect(new Set(all)).toEqual(new Set(cells.map((c) => c.id)));
      }
    }
  });

  it('deals cells round-robin in matrix order when no durations are known', () => {
    expect(ids(splitShards(cells.slice(0, 5), 2))).toEqual([
      [cells[0]!.id, cells[2]!.id, cells[4]!.id],
      [cells[1]!.id, cells[3]!.id],
    ]);
    expect(ids(splitShards(cells, 3, new Map([['not-a-cell', 5]])))).toEqual(ids(splitShards(cells, 3)));
  });

  it('leaves shards empty when there are more shards than cells', () => {
    const shards = splitShards(cells.slice(0, 2), 4, durations);
    expect(shards.map((s) => s.length)).toEqual([1, 1, 0, 0]);
    expect(splitShards(cells.slice(0, 2), 4).map((s) => s.length)).toEqual([1, 1, 0, 0]);
  });

  it('is deterministic: the same split however often and in whatever order the durations were read', () => {
    const reversed = new Map([...durations].reverse());
    const first = ids(splitShards(cells, 3, durations));
    expect(ids(splitShards(cells, 3, durations))).toEqual(first);
    expect(ids(splitShards(cells, 3, reversed))).toEqual(first);
    expect(splitBasis(cells, reversed)).toBe(splitBasis(cells, durations));
  });

  it('breaks ties by cell id, so equal durations split the same on every runner', () => {
    const same = new Map(cells.map((c) => [c.id, 1000]));
    const sorted = [...cells].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(ids(splitShards(cells, 2, same))).toEqual([
      sorted.filter((_, i) => i % 2 === 0).map((c) => c.id),
      sorted.filter((_, i) => i % 2 === 1).map((c) => c.id),
    ]);
  });

  it('balances by duration: no shard does much more than its share, far better than round-robin', () => {
    const balanced = splitShards(cells, 3, durations).map((s) => load(s, durations));
    const dealt = splitShards(cells, 3).map((s) => load(s, durations));
    const total = [...durations.values()].reduce((a, b) => a + b, 0);
    const longest = Math.max(...durations.values());
    // Greedy longest-first is within the largest cell of the ideal share (and within 4/3 of optimal).
    expect(Math.max(...balanced)).toBeLessThanOrEqual(total / 3 + longest);
    expect(Math.max(...balanced) - Math.min(...balanced)).toBeLessThan(Math.max(...dealt) - Math.min(...dealt));
  });

  it('places each cell, slowest first, on the shard with the least work so far (the lower number on a tie)', () => {
    const d = new Map([
      ['a', 7],
      ['b', 5],
      ['c', 4],
      ['d', 4],
      ['e', 3],
      ['f', 3],
    ]);
    const shards = splitShards(
      [...d.keys()].map((id) => ({ id })),
      2,
      d,
    );
    // a→1 (7) b→2 (5) c→2 (9) d→1 (11) e→2 (12) f→1 (14)
    expect(ids(shards)).toEqual([
      ['a', 'd', 'f'],
      ['b', 'c', 'e'],
    ]);
    expect(shards.map((s) => load(s, d))).toEqual([14, 12]);
  });

  it('charges a cell without a duration the median of the known ones', () => {
    const d = new Map([
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]);
    const split = splitShards(
      ['a', 'b', 'c', 'new'].map((id) => ({ id })),
      2,
      d,
    );
    // new costs 20, like b, and comes after it by id: c→1 (30) b→2 (20) new→2 (40) a→1 (40)
    expect(ids(split)).toEqual([
      ['c', 'a'],
      ['b', 'new'],
    ]);
  });

  it('orders each shard slowest first', () => {
    for (const shard of splitShards(cells, 3, durations)) {
      const times = shard.map((c) => durations.get(c.id)!);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
  });
});

describe('slowestFirst', () => {
  it('starts the slowest cells first when durations are known, else keeps matrix order', () => {
    expect(slowestFirst(cells, durations).map((c) => durations.get(c.id))).toEqual(
      [...durations.values()].sort((a, b) => b - a),
    );
    expect(slowestFirst(cells)).toEqual(cells);
  });
});

describe('splitBasis', () => {
  it('names what the split was computed from, so that differently cut shards are told apart', () => {
    expect(splitBasis(cells)).toBe('matrix-order');
    expect(splitBasis(cells, durations)).toMatch(/^durations:[0-9a-f]{16}$/);
    expect(splitBasis(cells, new Map([...durations].map(([k, v]) => [k, v + 1])))).not.toBe(
      splitBasis(cells, durations),
    );
  });
});
