import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseUserns, failClosed, findSubidRange, hostId, overlappingRange } from '../../../src/vps/userns.js';
import type { VmError } from '../../../src/util/errors.js';

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
    const off = await chooseUserns(
      { VMATRIX_USERNS: 'off' },
      await etcWith('root:1000000:65536\n', 'root:1000000:65536\n'),
    );
    expect(off.map).toBeUndefined();
    expect(off.reason).toContain('VMATRIX_USERNS=off');
  });

  it('fails closed: no range for root is a refusal naming the fix, unless VMATRIX_USERNS=off', async () => {
    if (process.getuid?.() !== 0)
      throw new Error('chooseUserns decides only for root: run the unit tests as root, as CI does');
    const none = await chooseUserns({}, await etcWith('alice:100000:65536\n', 'root:2000000:65536\n'));
    expect(none.refusal).toMatchObject({
      code: 'NO_SUBORDINATE_IDS',
      message: expect.stringContaining('/etc/subuid has no range of 65536 ids for root'),
      hint: expect.stringContaining('vmatrix doctor --fix'),
    });
    expect(none.refusal!.hint).toContain('VMATRIX_USERNS=off');
    expect((await chooseUserns({ VMATRIX_USERNS: 'off' }, await etcWith('', ''))).refusal).toBeUndefined();
    expect(
      (await chooseUserns({}, await etcWith('root:1000000:65536\nalice:1065536:65536\n', 'root:1000000:65536\n')))
        .refusal,
    ).toBeUndefined();
  });

  it("refuses root's range when another user's overlaps it, naming both", async () => {
    const c = await chooseUserns({}, await etcWith('root:1000000:65536\n', 'root:2000000:65536\nbob:2065535:10\n'));
    expect(c.refusal).toMatchObject({
      code: 'SUBORDINATE_IDS_OVERLAP',
      message:
        "/etc/subgid: root's range 2000000-2065535 overlaps bob's 2065535-2065544: a cell's processes would own that user's files",
    });
    expect(
      overlappingRange('alice:999999:1\n# x:1000000:1\n0:1000000:5\n', 1000000, 65536, ['root', '0']),
    ).toBeUndefined();
    expect(overlappingRange('alice:999999:2\n', 1000000, 65536, ['root', '0'])).toBe("alice's 999999-1000000");
  });

  it('failClosed stops any cell with exit 3 and the fix, and lets a mapped or opted-out host through', async () => {
    const thrown = (choice: Parameters<typeof failClosed>[0]) => {
      try {
        failClosed(choice);
        return undefined;
      } catch (e) {
        return e as VmError;
      }
    };
    const none = thrown(await chooseUserns({}, await etcWith('', '')));
    expect(none).toMatchObject({
      code: 'NO_SUBORDINATE_IDS',
      exit: 3,
      hint: expect.stringContaining('vmatrix doctor --fix'),
    });
    const overlap = thrown(
      await chooseUserns({}, await etcWith('root:1000000:65536\nbob:1000100:10\n', 'root:1000000:65536\n')),
    );
    expect(overlap).toMatchObject({
      code: 'SUBORDINATE_IDS_OVERLAP',
      exit: 3,
      message: expect.stringContaining("overlaps bob's 1000100-1000109"),
    });
    expect(thrown(await chooseUserns({ VMATRIX_USERNS: 'off' }, await etcWith('', '')))).toBeUndefined();
    expect(
      thrown(await chooseUserns({}, await etcWith('root:1000000:65536\n', 'root:1000000:65536\n'))),
    ).toBeUndefined();
  });

  it('test, run and shell all take their runtime through the fail-closed check (only doctor looks without it)', async () => {
    // detectRuntime alone does not refuse: a module that starts cells with it would skip SAFETY 35.
    const src = join(import.meta.dirname, '../../../src');
    const users: string[] = [];
    for (const file of await readdir(src, { recursive: true })) {
      if (!file.endsWith('.ts') || file === join('vps', 'runtime.ts') || file === join('vps', 'index.ts')) continue;
      if ((await readFile(join(src, file), 'utf8')).includes('detectRuntime(')) users.push(file);
    }
    expect(users).toEqual([join('doctor', 'doctor.ts')]);
    for (const file of ['session/session.ts', 'pipeline/test-run.ts'])
      expect(await readFile(join(src, file), 'utf8')).toContain('await cellRuntime(o.runtime)');
  });

  it('hostId shifts by the mapping, or is the identity', () => {
    const map = { uid: 100000, gid: 200000, size: 65536 };
    expect(hostId(map, 42)).toBe(100042);
    expect(hostId(map, 42, 'gid')).toBe(200042);
    expect(hostId(undefined, 42)).toBe(42);
  });
});
