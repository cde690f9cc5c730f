import { execFileSync } from 'node:child_process';
import { chmod, chown, lchown, lstat, mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownImageBy, type ImageRef } from '../../src/images/index.js';
import type { ImageMeta } from '../../src/store/index.js';
import { applyShift, planShift, rebaseCapability, shiftTree } from '../../src/util/idshift.js';
import { storeMaker } from '../helpers/store.js';

// Giving a tree a user namespace's ids (run as root: chown and security.* attributes need it).

// cap_net_raw (bit 13) permitted + effective, as `setcap cap_net_raw+ep` writes it (revision 2).
const V2_NET_RAW = Buffer.from('0100000200200000000000000000000000000000', 'hex');

function readCap(path: string): string {
  return execFileSync('getfattr', ['-h', '--absolute-names', '-e', 'hex', '-n', 'security.capability', path], {
    encoding: 'utf8',
  })
    .split('\n')
    .find((l) => l.startsWith('security.capability='))!
    .slice('security.capability=0x'.length);
}

describe('rebaseCapability', () => {
  it('writes revision 3 with the namespace root for a shifted range, revision 2 for host root', () => {
    const v3 = rebaseCapability(V2_NET_RAW, 1048576);
    expect(v3.toString('hex')).toBe('0100000300200000000000000000000000000000' + '00001000');
    expect(rebaseCapability(v3, 0).equals(V2_NET_RAW)).toBe(true);
    expect(rebaseCapability(Buffer.from('00', 'hex'), 5).toString('hex')).toBe('00');
  });
});

describe('shiftTree', () => {
  it('moves owners into the range, keeps set-id bits and capabilities, leaves ids outside the range, and can run twice', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vmx-shift-'));
    await mkdir(join(root, 'usr/bin'), { recursive: true });
    await writeFile(join(root, 'usr/bin/su'), 'x');
    await chmod(join(root, 'usr/bin/su'), 0o4755);
    await writeFile(join(root, 'usr/bin/ping'), 'x');
    execFileSync('setfattr', [
      '-n',
      'security.capability',
      '-v',
      `0x${V2_NET_RAW.toString('hex')}`,
      join(root, 'usr/bin/ping'),
    ]);
    await writeFile(join(root, 'owned-by-42'), 'x');
    await chown(join(root, 'owned-by-42'), 42, 43);
    await writeFile(join(root, 'outside'), 'x');
    await chown(join(root, 'outside'), 70000, 70000);
    await symlink('usr/bin/su', join(root, 'link'));
    await symlink('usr/bin/ping', join(root, 'ping-link'));

    const to = { uid: 1048576, gid: 2097152 };
    for (let i = 0; i < 2; i++) await shiftTree(root, { uid: 0, gid: 0 }, to, 65536);
    const st = (p: string) => lstat(join(root, p));
    expect((await st('.')).uid).toBe(1048576);
    expect((await st('usr/bin/su')).mode & 0o7777).toBe(0o4755);
    expect([(await st('owned-by-42')).uid, (await st('owned-by-42')).gid]).toEqual([1048576 + 42, 2097152 + 43]);
    expect((await st('outside')).uid).toBe(70000);
    expect((await st('link')).uid).toBe(1048576);
    expect(readCap(join(root, 'usr/bin/ping'))).toBe(rebaseCapability(V2_NET_RAW, 1048576).toString('hex'));
    // The symlink is not followed: it is not given its target's capability as an attribute of its own.
    expect(execFileSync('getfattr', ['-h', '-d', '-m', '-', join(root, 'ping-link')], { encoding: 'utf8' })).toBe('');

    await shiftTree(root, to, { uid: 0, gid: 0 }, 65536);
    expect((await st('owned-by-42')).uid).toBe(42);
    expect(readCap(join(root, 'usr/bin/ping'))).toBe(V2_NET_RAW.toString('hex'));
  });
});

/** A root with a setuid su and a ping with a capability, the two things chown(2) takes away. */
async function rootWithPrivileges(root: string): Promise<void> {
  await mkdir(join(root, 'usr/bin'), { recursive: true });
  await writeFile(join(root, 'usr/bin/su'), 'x');
  await chmod(join(root, 'usr/bin/su'), 0o4755);
  await writeFile(join(root, 'usr/bin/ping'), 'x');
  execFileSync('setfattr', [
    '-n',
    'security.capability',
    '-v',
    `0x${V2_NET_RAW.toString('hex')}`,
    join(root, 'usr/bin/ping'),
  ]);
}

/** What a shift killed half-way leaves: su and ping already chowned (bit and capability gone), the rest not. */
async function interrupt(root: string, uid: number, gid: number): Promise<void> {
  for (const f of ['usr/bin/su', 'usr/bin/ping']) await lchown(join(root, f), uid, gid);
  expect((await lstat(join(root, 'usr/bin/su'))).mode & 0o7777).toBe(0o755);
}

describe('an interrupted shift (SAFETY 15: a kill mid-way loses nothing)', { tags: ['safety', 'killed'] }, () => {
  const to = { uid: 1048576, gid: 1048576 };

  it('is finished from its plan, set-id bit and capability included', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vmx-shift-'));
    await rootWithPrivileges(root);
    const plan = await planShift(root, { uid: 0, gid: 0 }, to, 65536);
    expect(plan.setIds).toEqual({ 'usr/bin/su': 0o4755 });
    await interrupt(root, to.uid, to.gid);
    await applyShift(root, plan);
    expect((await lstat(join(root, 'usr/bin/su'))).mode & 0o7777).toBe(0o4755);
    expect(readCap(join(root, 'usr/bin/ping'))).toBe(rebaseCapability(V2_NET_RAW, to.uid).toString('hex'));
    expect((await lstat(root)).uid).toBe(to.uid);
  });

  it('an image whose shift was killed is finished by the next ownImageBy from shift.json, which then goes', async () => {
    const store = await storeMaker(await mkdtemp(join(tmpdir(), 'vmx-shift-store-')))();
    const id = 'a'.repeat(64);
    const image: ImageRef = { id, rootfs: store.imageRootfs(id), meta: {} as ImageMeta, cached: true };
    await rootWithPrivileges(image.rootfs);
    // The first run wrote its journal, chowned two files and was killed.
    const plan = await planShift(image.rootfs, { uid: 0, gid: 0 }, to, 65536);
    await writeFile(join(store.imageDir(id), 'shift.json'), JSON.stringify(plan));
    await interrupt(image.rootfs, to.uid, to.gid);

    await ownImageBy(store, image, to, 65536);
    expect((await lstat(join(image.rootfs, 'usr/bin/su'))).mode & 0o7777).toBe(0o4755);
    expect(readCap(join(image.rootfs, 'usr/bin/ping'))).toBe(rebaseCapability(V2_NET_RAW, to.uid).toString('hex'));
    expect((await lstat(image.rootfs)).uid).toBe(to.uid);
    expect((await readdir(store.imageDir(id))).sort()).toEqual(['ids.json', 'rootfs']);

    // And back to the identity the ordinary way: the journal is written and removed again.
    await ownImageBy(store, image, undefined, 65536);
    expect((await lstat(join(image.rootfs, 'usr/bin/su'))).mode & 0o7777).toBe(0o4755);
    expect((await lstat(image.rootfs)).uid).toBe(0);
    expect(readCap(join(image.rootfs, 'usr/bin/ping'))).toBe(V2_NET_RAW.toString('hex'));
    expect((await readdir(store.imageDir(id))).sort()).toEqual(['ids.json', 'rootfs']);
  });
});
