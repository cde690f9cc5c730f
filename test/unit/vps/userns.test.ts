import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseUserns, findSubidRange, hostId, overlappingRange } from '../../../src/vps/userns.js';

describe('findSubidRange', () => {
  it("takes the first range of root's big enough for 65536 ids", () => {
    const text = '# comment\nalice:100000:65536\nroot:200000:1000\nroot:300000:65536\n0:400000:65536\n';
    expect(findSubidRange(text, ['root', '0'])).toBe(300000);
    expect(findSubidRange('alice:100000:65536\n', ['root', '0'])).toBeUndefined();
    expect(findSubidRange('0:500000:131072\n', ['root', '0'])).toBe(500000);
    expect(findSubidRange('root:x:65536\nroot:0:65536\n', ['root'])).toBeUndefined();
  });
});

describe('chooseUserns', () => {
  async function etcWith(subuid: string, subgid: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-etc-'));
    await writeFile(join(dir, 'subuid'), subuid);
    await writeFile(join(dir, 'subgid'), subgid);
    return dir;
  }

  it("maps the cell to root's subordinate ids and says so", async () => {
    const c = await chooseUserns({}, await etcWith('root:1000000:65536\n', 'root:2000000:65536\n'));
    expect(c.map).toEqual({ uid: 1000000, gid: 2000000, size: 65536 });
    expect(c.reason).toContain('host uid 1000000');
  });

  it('explains why there is none: missing ranges, or turned off', async () => {
    const none = await chooseUserns({}, await etcWith('', 'root:2000000:65536\n'));
    expect(none.map).toBeUndefined();
    expect(none.reason).toContain('/etc/subuid has no range');
    const off = await chooseUserns({ VMATRIX_USERNS: 'off' }, await etcWith('root:1000000:65536\n', 'root:1000000:65536\n'));
    expect(off.map).toBeUndefined();
    expect(off.reason).toContain('VMATRIX_USERNS=off');
  });

  it('fails closed: no range for root is a refusal naming the fix, unless VMATRIX_USERNS=off', async () => {
    if (process.getuid?.() !== 0) throw new Error('chooseUserns decides only for root: run the unit tests as root, as CI does');
    const none = await chooseUserns({}, await etcWith('alice:100000:65536\n', 'root:2000000:65536\n'));
    expect(none.refusal).toMatchObject({ code: 'NO_SUBORDINATE_IDS', message: expect.stringContaining('/etc/subuid has no range of 65536 ids for root'), hint: expect.stringContaining('vmatrix doctor --fix') });
    expect(none.refusal!.hint).toContain('VMATRIX_USERNS=off');
    expect((await chooseUserns({ VMATRIX_USERNS: 'off' }, await etcWith('', ''))).refusal).toBeUndefined();
    expect((await chooseUserns({}, await etcWith('root:1000000:65536\nalice:1065536:65536\n', 'root:1000000:65536\n'))).refusal).toBeUndefined();
  });

  it("refuses root's range when another user's overlaps it, naming both", async () => {
    const c = await chooseUserns({}, await etcWith('root:1000000:65536\n', 'root:2000000:65536\nbob:2065535:10\n'));
    expect(c.refusal).toMatchObject({ code: 'SUBORDINATE_IDS_OVERLAP', message: "/etc/subgid: root's range 2000000-2065535 overlaps bob's 2065535-2065544: a cell's processes would own that user's files" });
    expect(overlappingRange('alice:999999:1\n# x:1000000:1\n0:1000000:5\n', 1000000, 65536, ['root', '0'])).toBeUndefined();
    expect(overlappingRange('alice:999999:2\n', 1000000, 65536, ['root', '0'])).toBe("alice's 999999-1000000");
  });

  it('hostId shifts by the mapping, or is the identity', () => {
    const map = { uid: 100000, gid: 200000, size: 65536 };
    expect(hostId(map, 42)).toBe(100042);
    expect(hostId(map, 42, 'gid')).toBe(200042);
    expect(hostId(undefined, 42)).toBe(42);
  });
});
