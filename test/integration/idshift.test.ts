import { execFileSync } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebaseCapability, shiftTree } from '../../src/util/idshift.js';

// Giving a tree a user namespace's ids (run as root: chown and security.* attributes need it).

// cap_net_raw (bit 13) permitted + effective, as `setcap cap_net_raw+ep` writes it (revision 2).
const V2_NET_RAW = Buffer.from('0100000200200000000000000000000000000000', 'hex');

function readCap(path: string): string {
  return execFileSync('getfattr', ['-h', '--absolute-names', '-e', 'hex', '-n', 'security.capability', path], { encoding: 'utf8' })
    .split('\n').find((l) => l.startsWith('security.capability='))!.slice('security.capability=0x'.length);
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
    execFileSync('setfattr', ['-n', 'security.capability', '-v', `0x${V2_NET_RAW.toString('hex')}`, join(root, 'usr/bin/ping')]);
    await writeFile(join(root, 'owned-by-42'), 'x');
    await chown(join(root, 'owned-by-42'), 42, 43);
    await writeFile(join(root, 'outside'), 'x');
    await chown(join(root, 'outside'), 70000, 70000);
    await symlink('usr/bin/su', join(root, 'link'));

    const to = { uid: 1048576, gid: 2097152 };
    for (let i = 0; i < 2; i++) await shiftTree(root, { uid: 0, gid: 0 }, to, 65536);
    const st = (p: string) => lstat(join(root, p));
    expect(((await st('.')).uid)).toBe(1048576);
    expect((await st('usr/bin/su')).mode & 0o7777).toBe(0o4755);
    expect([(await st('owned-by-42')).uid, (await st('owned-by-42')).gid]).toEqual([1048576 + 42, 2097152 + 43]);
    expect((await st('outside')).uid).toBe(70000);
    expect((await st('link')).uid).toBe(1048576);
    expect(readCap(join(root, 'usr/bin/ping'))).toBe(rebaseCapability(V2_NET_RAW, 1048576).toString('hex'));

    await shiftTree(root, to, { uid: 0, gid: 0 }, 65536);
    expect((await st('owned-by-42')).uid).toBe(42);
    expect(readCap(join(root, 'usr/bin/ping'))).toBe(V2_NET_RAW.toString('hex'));
  });
});
