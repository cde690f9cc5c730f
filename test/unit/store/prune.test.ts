import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { planPrune, pruneStore, type Entry } from '../../../src/store/index.js';
import { storeMaker } from '../../helpers/store.js';

const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number): Date => new Date(now.getTime() - d * 86_400_000);

function image(id: string, size: number, lastUsedDays: number): Entry {
  return {
    kind: 'image',
    id,
    size,
    lastUsed: daysAgo(lastUsedDays),
    names: [],
    meta: { id, distro: id, release: '1', arch: 'amd64', source: {}, size, created: '' },
  };
}
function layer(id: string, on: string, size: number, lastUsedDays: number): Entry {
  return {
    kind: 'layer',
    id,
    size,
    lastUsed: daysAgo(lastUsedDays),
    meta: { id, image: on, inputs: {}, size, created: '' },
  };
}

const ids = (entries: Entry[]): string[] => entries.map((e) => e.id);

describe('planPrune', () => {
  const all = [
    image('old', 100, 60),
    layer('old-l', 'old', 10, 50),
    image('new', 100, 1),
    layer('new-l', 'new', 10, 40),
  ];

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

describe('pruneStore and kept cells', () => {
  it('removes the kept cells of runs older than --older-than, and only with it', async () => {
    const base = await mkdtemp(join(tmpdir(), 'vmx-prune-kept-'));
    onTestFinished(() => rm(base, { recursive: true, force: true }));
    const store = await storeMaker(base)();
    await store.init();
    const old = store.keptDir('20200101-000000-aaaa', 'busybox-n-1');
    const recent = store.keptDir('20991231-000000-bbbb', 'busybox-n-1');
    for (const d of [old, recent]) await mkdir(join(d, 'upper'), { recursive: true });
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    await utimes(store.keptDir('20200101-000000-aaaa'), longAgo, longAgo);
    expect((await pruneStore(store, { maxBytes: 0, dryRun: true })).keptRuns).toEqual([]);
    expect((await pruneStore(store, { olderThanMs: 30 * 86_400_000, dryRun: true })).keptRuns).toEqual([
      '20200101-000000-aaaa',
    ]);
    expect(existsSync(old)).toBe(true);
    expect((await pruneStore(store, { olderThanMs: 30 * 86_400_000 })).keptRuns).toEqual(['20200101-000000-aaaa']);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
