import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseLayer, copyBase } from '../../../src/layers/base.js';
import { LAYER_FORMAT, layerKey, type LayerInputs } from '../../../src/layers/key.js';
import { Store } from '../../../src/store/store.js';

// A layer that adds packages to one in the store starts from a copy of it (layers/base.ts), but only when a
// build from scratch would have run the very same things before installing what the base lacks.

let dir: string;
let store: Store;

const inputs = (over: Partial<LayerInputs> = {}): LayerInputs => ({
  format: LAYER_FORMAT,
  image: 'a1b2c3d4e5f60718',
  packageManager: 'apt',
  packages: ['cmake', 'gcc', 'make'],
  setup: [],
  env: { CC: 'gcc' },
  workdir: '/src',
  files: {},
  setupInputs: {},
  ...over,
});

/** A layer in the store as build.ts leaves it: diff/ and layer.json with the inputs and the distro's name. */
async function addLayer(i: LayerInputs, created = new Date().toISOString()): Promise<string> {
  const id = layerKey(i);
  await mkdir(join(store.layerDiff(id), 'usr/bin'), { recursive: true });
  await writeFile(join(store.layerDiff(id), 'usr/bin', i.packages.join('-') || 'none'), 'x');
  const meta = { id, image: i.image, inputs: { distro: 'debian-12', ...i }, size: 1, created };
  await writeFile(join(store.layerDir(id), 'layer.json'), JSON.stringify(meta));
  return id;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmx-base-'));
  store = new Store(join(dir, 'store'));
  await store.init();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('baseLayer', () => {
  it('picks the layer of the most packages that are all in the new list, on the same ground', async () => {
    await addLayer(inputs({ packages: ['make'] }));
    const best = await addLayer(inputs({ packages: ['gcc', 'make'] }));
    await addLayer(inputs({ packages: ['make', 'python3'] })); // python3 is not wanted
    const want = inputs({ packages: ['cmake', 'gcc', 'make', 'hello'] });
    expect((await baseLayer(store, layerKey(want), want))?.id).toBe(best);
  });

  it('lets the new layer have setup commands of its own, which run after the install', async () => {
    const base = await addLayer(inputs());
    const want = inputs({ packages: ['cmake', 'gcc', 'make', 'ninja-build'], setup: ['./ci/deps.sh'] });
    expect((await baseLayer(store, layerKey(want), want))?.id).toBe(base);
  });

  it('refuses a base that ran setup commands, or that differs in anything but packages', async () => {
    const want = inputs({ packages: ['cmake', 'gcc', 'make', 'hello'] });
    await addLayer(inputs({ setup: ['echo hi > /etc/motd'] }));
    await addLayer(inputs({ image: 'ffffffffffffffff' }));
    await addLayer(inputs({ env: { CC: 'clang' } })); // env reaches the package manager (APT_CONFIG)
    await addLayer(inputs({ installRecommends: false }));
    await addLayer(inputs({ ids: { uid: 100000, gid: 100000 } }));
    await addLayer(inputs({ setupInputs: { 'apt.conf': { sha256: 'ab', mode: '644' } } }));
    await addLayer(inputs({ workdir: '/work' }));
    await addLayer(inputs({ format: LAYER_FORMAT - 1 }));
    expect(await baseLayer(store, layerKey(want), want)).toBeUndefined();
  });

  it('never starts from the same package list, nor for a list of one package', async () => {
    const same = inputs();
    await addLayer(same);
    expect(await baseLayer(store, layerKey(same), same)).toBeUndefined();
    const one = inputs({ packages: ['make'] });
    expect(await baseLayer(store, layerKey(one), one)).toBeUndefined();
  });

  it('skips a layer.json that is not what build.ts writes', async () => {
    await mkdir(store.layerDir('0123456789abcdef'), { recursive: true });
    await writeFile(join(store.layerDir('0123456789abcdef'), 'layer.json'), '{"id":"0123456789abcdef","created":"x"}');
    const want = inputs({ packages: ['cmake', 'gcc', 'make', 'hello'] });
    expect(await baseLayer(store, layerKey(want), want)).toBeUndefined();
  });
});

describe('copyBase', () => {
  it("copies the base's diff as the new upper dir, and leaves nothing when the base is gone", async () => {
    const id = await addLayer(inputs());
    const meta = (await store.readLayer(id))!;
    const upper = join(dir, 'staging-diff');
    expect(await copyBase(store, meta, upper)).toBe(true);
    expect(await readFile(join(upper, 'usr/bin/cmake-gcc-make'), 'utf8')).toBe('x');
    await rm(store.layerDir(id), { recursive: true });
    const again = join(dir, 'staging-diff-2');
    expect(await copyBase(store, meta, again)).toBe(false);
    await expect(stat(again)).rejects.toThrow();
  });
});
