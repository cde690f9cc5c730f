import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordUse, type Store } from '../../../src/store/index.js';
import { deadOwner, storeMaker } from '../../helpers/store.js';

// `vmatrix test --rebuild`: a new layer takes the old one's id; the old one stays whole, in retired/, for
// as long as a run that was using it is alive.

const base = await mkdtemp(join(tmpdir(), 'vmx-retire-'));
afterAll(() => rm(base, { recursive: true, force: true }));
const freshStore = storeMaker(base);

async function staged(store: Store, content: string): Promise<string> {
  const staging = await store.staging('layer');
  await mkdir(join(staging, 'diff'));
  await writeFile(join(staging, 'diff/file'), content);
  return staging;
}

const retiredDirs = async (store: Store): Promise<string[]> =>
  (await readdir(store.retiredDir())).filter((n) => !n.endsWith('.json'));

describe('Store.replaceDir', () => {
  it('commits like commitDir when nothing has the name yet', async () => {
    const store = await freshStore();
    await store.replaceDir(await staged(store, 'new'), store.layerDir('l1'));
    expect(await readFile(join(store.layerDiff('l1'), 'file'), 'utf8')).toBe('new');
    expect(await readdir(store.retiredDir())).toEqual([]);
  });

  it('puts the new dir in place and keeps the old one whole while a live run that used it is alive', async () => {
    const store = await freshStore();
    await store.replaceDir(await staged(store, 'old'), store.layerDir('l1'));
    const runDir = await store.createRunDir('run-live');
    await recordUse(runDir, ['l1']);
    const held = await open(join(store.layerDiff('l1'), 'file')); // a cell reading the old layer
    await store.replaceDir(await staged(store, 'new'), store.layerDir('l1'));
    expect(await readFile(join(store.layerDiff('l1'), 'file'), 'utf8')).toBe('new');
    expect(await held.readFile('utf8')).toBe('old');
    await held.close();
    const [retired] = await retiredDirs(store);
    expect(await readFile(join(store.retiredDir(), retired!, 'diff/file'), 'utf8')).toBe('old');
    await store.sweep();
    expect(existsSync(join(store.retiredDir(), retired!))).toBe(true);
    await writeFile(join(runDir, 'owner'), await deadOwner()); // the run ends (killed)
    expect(await store.sweep()).toContain(join(store.retiredDir(), retired!));
    expect(await readdir(store.retiredDir())).toEqual([]);
  });

  it('lets the next sweep remove an old dir no live run used', async () => {
    const store = await freshStore();
    await store.replaceDir(await staged(store, 'old'), store.layerDir('l1'));
    const other = await store.createRunDir('run-other');
    await recordUse(other, ['another-layer']);
    await store.replaceDir(await staged(store, 'new'), store.layerDir('l1'));
    expect(await retiredDirs(store)).toHaveLength(1);
    await store.sweep();
    expect(await readdir(store.retiredDir())).toEqual([]);
    expect(await readFile(join(store.layerDiff('l1'), 'file'), 'utf8')).toBe('new');
  });
});
