import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execOrThrow } from '../../../src/util/exec.js';
import { deadOwner, storeMaker } from '../../helpers/store.js';

// What a vmatrix killed with SIGKILL leaves behind, and what the next run's sweep must (and must not) remove.

const base = await mkdtemp(join(tmpdir(), 'vmx-sweep-'));
afterAll(() => rm(base, { recursive: true, force: true }));

const freshStore = storeMaker(base);

describe('Store.sweep', { tags: ['safety', 'killed'] }, () => {
  it('removes the staging dir of a killed process and keeps a live one', async () => {
    const store = await freshStore();
    const dead = join(store.tmpDir(), 'image-dead');
    await writeFile(`${dead}.owner`, await deadOwner());
    await mkdir(join(dead, 'rootfs/usr/bin'), { recursive: true });
    await writeFile(join(dead, 'rootfs/usr/bin/half-written'), 'x');
    const live = await store.staging('image');

    expect(await store.sweep()).toEqual([dead]);
    expect(existsSync(dead) || existsSync(`${dead}.owner`)).toBe(false);
    expect(existsSync(live) && existsSync(`${live}.owner`)).toBe(true);
  });

  it('never removes through a mount left in a dead staging dir; the next sweep does, once unmounted', async () => {
    expect(process.getuid?.(), 'mounting a tmpfs needs root').toBe(0);
    const store = await freshStore();
    const dead = join(store.tmpDir(), 'layer-cell-dead');
    await writeFile(`${dead}.owner`, await deadOwner());
    const mnt = join(dead, 'merged');
    await mkdir(mnt, { recursive: true });
    await execOrThrow('mount', ['-t', 'tmpfs', 'vmx-test', mnt]);
    try {
      await writeFile(join(mnt, 'precious'), 'keep');
      expect(await store.sweep()).toEqual([]);
      expect(await readFile(join(mnt, 'precious'), 'utf8')).toBe('keep');
    } finally {
      await execOrThrow('umount', [mnt]);
    }
    expect(await store.sweep()).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
  });

  it('removes an owner file whose dir is already gone, once its owner is dead', async () => {
    const store = await freshStore();
    const path = join(store.tmpDir(), 'layer-x.owner');
    await writeFile(path, await deadOwner());
    await store.sweep();
    expect(existsSync(path)).toBe(false);
  });

  it('removes an old entry without an owner file, but not a fresh one', async () => {
    const store = await freshStore();
    const old = join(store.tmpDir(), 'stray-old');
    const fresh = join(store.tmpDir(), 'stray-fresh');
    await mkdir(old);
    await mkdir(fresh);
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(old, hourAgo, hourAgo);
    expect(await store.sweep()).toEqual([old]);
    expect(existsSync(fresh)).toBe(true);
  });

  it("removes an atomic write's temp file once its writer is dead, even beside a partial download", async () => {
    const store = await freshStore();
    const { pid } = JSON.parse(await deadOwner()) as { pid: number };
    const dead = join(store.tmpDir(), `partial-abc.validator.tmp-${pid}-1700000000000`);
    const live = join(store.tmpDir(), `partial-abc.validator.tmp-${process.pid}-1700000000000`);
    const partial = join(store.tmpDir(), 'partial-abc');
    for (const f of [dead, live, partial]) await writeFile(f, 'x');
    expect(await store.sweep()).toEqual([dead]);
    expect([existsSync(live), existsSync(partial)]).toEqual([true, true]);
  });

  it('removes lock files (and takeover leftovers) of dead processes, keeps live ones', async () => {
    const store = await freshStore();
    const locks = join(store.root, 'locks');
    const dead = await deadOwner();
    await writeFile(join(locks, 'image-a.lock'), dead);
    await writeFile(join(locks, 'image-a.lock.takeover'), dead);
    await writeFile(join(locks, 'image-b.lock.123.abc.tmp'), dead);
    let during: string[] = [];
    await store.withLock('image-live', async () => {
      during = await store.sweep();
    });
    expect(during.sort()).toEqual(
      ['image-a.lock', 'image-a.lock.takeover', 'image-b.lock.123.abc.tmp'].map((f) => join(locks, f)),
    );
    expect(await store.withLock('image-a', async () => 'free')).toBe('free');
  });
});
