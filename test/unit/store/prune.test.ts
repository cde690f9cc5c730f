import { describe, expect, it } from 'vitest';
import { planPrune, type Entry } from '../../../src/store/index.js';

const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number): Date => new Date(now.getTime() - d * 86_400_000);

function image(id: string, size: number, lastUsedDays: number): Entry {
  return { kind: 'image', id, size, lastUsed: daysAgo(lastUsedDays), names: [], meta: { id, distro: id, release: '1', arch: 'amd64', source: {}, size, created: '' } };
}
function layer(id: string, on: string, size: number, lastUsedDays: number): Entry {
  return { kind: 'layer', id, size, lastUsed: daysAgo(lastUsedDays), meta: { id, image: on, inputs: {}, size, created: '' } };
}

const ids = (entries: Entry[]): string[] => entries.map((e) => e.id);

describe('planPrune', () => {
  const all = [image('old', 100, 60), layer('old-l', 'old', 10, 50), image('new', 100, 1), layer('new-l', 'new', 10, 40)];

  it('removes what was not used for N days, and the layers on a removed image, layers first', () => {
    expect(ids(planPrune(all, new Set(), { olderThanMs: 30 * 86_400_000, now }))).toEqual(['old-l', 'new-l', 'old']);
  });

  it('never removes what a live run uses, nor the image under a layer in use', () => {
    expect(ids(planPrune(all, new Set(['old-l']), { olderThanMs: 30 * 86_400_000, now }))).toEqual(['new-l']);
  });

  it('then removes least recently used first until the store fits', () => {
    expect(ids(planPrune(all, new Set(), { maxBytes: 120, now }))).toEqual(['old-l', 'old']);
    expect(ids(planPrune(all, new Set(), { maxBytes: 1000, now }))).toEqual([]);
  });
});
