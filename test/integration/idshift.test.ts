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

/** The named entries of a file's ACLs, as `getfacl -n` prints them (`user:42:rwx`, `default:group:4:r-x`). */
function namedAclEntries(path: string): string[] {
  return execFileSync('getfacl', ['-n', '-p', '--omit-header', path], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /^(default:)?(user|group):\d+:/.test(l));
}

/** Everything a shift may change, for every path of a tree: owner, mode and attributes. */
function treeState(root: string): string {
  const stat = execFileSync('find', [root, '-printf', '%P %U %G %m\n'], { encoding: 'utf8' });
  const attrs = execFileSync('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', root], { encoding: 'utf8' });
  return `${stat}${attrs}`;
}

describe('shifting POSIX ACLs', () => {
  it('moves the named users and groups of access and default ACLs in the range, and a second apply changes nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vmx-shift-acl-'));
    // As Debian's systemd ships it: /var/log/journal readable by adm (4) and systemd-journal (101).
    const journal = join(root, 'var/log/journal');
    await mkdir(journal, { recursive: true });
    await chmod(journal, 0o2755);
    execFileSync('setfacl', ['-m', 'g:4:r-x,g:101:r-x,u:42:rwx,g:70000:r--', journal]);
    execFileSync('setfacl', ['-d', '-m', 'u:42:rwx,g:4:r-x,g:70000:r--', journal]);
    await writeFile(join(root, 'file'), 'x');
    execFileSync('setfacl', ['-m', 'u:1000:rw-,u:70001:r--', join(root, 'file')]);
    await writeFile(join(root, 'outside-only'), 'x');
    execFileSync('setfacl', ['-m', 'u:70002:r--', join(root, 'outside-only')]);
    await symlink('var/log/journal', join(root, 'journal-link'));

    const mode = (await lstat(journal)).mode & 0o7777; // 02775: the group bits are the ACL's mask
    const to = { uid: 1048576, gid: 2097152 };
    const plan = await planShift(root, { uid: 0, gid: 0 }, to, 65536);
    // Only ACLs that name an id of the range are rewritten; the symlink is not followed.
    expect(Object.keys(plan.acls ?? {}).sort()).toEqual(['file', 'var/log/journal']);
    expect(Object.keys(plan.acls!['var/log/journal']).sort()).toEqual(['access', 'default']);

    await applyShift(root, plan);
    expect(namedAclEntries(journal)).toEqual([
      'user:1048618:rwx',
      'group:70000:r--',
      'group:2097156:r-x',
      'group:2097253:r-x',
      'default:user:1048618:rwx',
      'default:group:70000:r--',
      'default:group:2097156:r-x',
    ]);
    expect(namedAclEntries(join(root, 'file'))).toEqual(['user:70001:r--', 'user:1049576:rw-']);
    expect(namedAclEntries(join(root, 'outside-only'))).toEqual(['user:70002:r--']);
    const st = await lstat(journal);
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([1048576, 2097152, mode]);

    const once = treeState(root);
    await applyShift(root, plan);
    expect(treeState(root)).toBe(once);
    expect(mode).toBe(0o2775);

    // And back: the ids return to the identity range.
    await shiftTree(root, to, { uid: 0, gid: 0 }, 65536);
    expect(namedAclEntries(journal)).toEqual([
      'user:42:rwx',
      'group:4:r-x',
      'group:101:r-x',
      'group:70000:r--',
      'default:user:42:rwx',
      'default:group:4:r-x',
      'default:group:70000:r--',
    ]);
  });
});

/** A root with a setuid su and a ping with a capability, the two things chown(2) takes away, and an ACL. */
async function rootWithPrivileges(root: string): Promise<void> {
  await mkdir(join(root, 'usr/bin'), { recursive: true });
  await mkdir(join(root, 'var/log/journal'), { recursive: true });
  execFileSync('setfacl', ['-m', 'g:4:r-x', join(root, 'var/log/journal')]);
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

  it('is finished from its plan, set-id bit, capability and ACL included', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vmx-shift-'));
    await rootWithPrivileges(root);
    const plan = await planShift(root, { uid: 0, gid: 0 }, to, 65536);
    expect(plan.setIds).toEqual({ 'usr/bin/su': 0o4755 });
    await interrupt(root, to.uid, to.gid);
    await applyShift(root, plan);
    expect(namedAclEntries(join(root, 'var/log/journal'))).toEqual([`group:${to.gid + 4}:r-x`]);
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
    expect(namedAclEntries(join(image.rootfs, 'var/log/journal'))).toEqual([`group:${to.gid + 4}:r-x`]);
    expect((await lstat(join(image.rootfs, 'usr/bin/su'))).mode & 0o7777).toBe(0o4755);
    expect(readCap(join(image.rootfs, 'usr/bin/ping'))).toBe(rebaseCapability(V2_NET_RAW, to.uid).toString('hex'));
    expect((await lstat(image.rootfs)).uid).toBe(to.uid);
    expect((await readdir(store.imageDir(id))).sort()).toEqual(['ids.json', 'rootfs']);

    // And back to the identity the ordinary way: the journal is written and removed again.
    await ownImageBy(store, image, undefined, 65536);
    expect(namedAclEntries(join(image.rootfs, 'var/log/journal'))).toEqual(['group:4:r-x']);
    expect((await lstat(join(image.rootfs, 'usr/bin/su'))).mode & 0o7777).toBe(0o4755);
    expect((await lstat(image.rootfs)).uid).toBe(0);
    expect(readCap(join(image.rootfs, 'usr/bin/ping'))).toBe(V2_NET_RAW.toString('hex'));
    expect((await readdir(store.imageDir(id))).sort()).toEqual(['ids.json', 'rootfs']);
  });
});
