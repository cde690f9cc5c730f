import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coversIds, isInitialMap, namespaceMode, parseIdMap } from '../../../src/util/user-namespace.js';
import { explainMissing } from '../../../src/vps/cgroup-support.js';
import { buildOciConfig } from '../../../src/vps/oci-spec.js';
import { needsNamespace, subidProblem, userStore, usernsRefusal, type UserIds } from '../../../src/vps/rootless.js';
import type { CellRunSpec } from '../../../src/vps/types.js';
import { chooseUserns } from '../../../src/vps/userns.js';

async function procWith(uidMap: string, gidMap = uidMap): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-proc-'));
  await writeFile(join(dir, 'uid_map'), uidMap);
  await writeFile(join(dir, 'gid_map'), gidMap);
  return dir;
}

describe('the user namespace vmatrix runs in, from /proc/self/uid_map', () => {
  it("is none in the host's namespace, whatever the environment says", async () => {
    expect(await namespaceMode(await procWith('         0          0 4294967295\n'))).toBeUndefined();
    expect(isInitialMap(parseIdMap('0 0 4294967295'))).toBe(true);
  });

  it('is "subids" when the user and 65536 subordinate ids are mapped, "single" for the user alone', async () => {
    expect(await namespaceMode(await procWith('0 1001 1\n1 100000 65536\n'))).toBe('subids');
    expect(await namespaceMode(await procWith('0 1001 1\n'))).toBe('single');
    // Both maps must have the range: gids alone short makes it a one-id namespace for cells.
    expect(await namespaceMode(await procWith('0 1001 1\n1 100000 65536\n', '0 1001 1\n'))).toBe('single');
    expect(await namespaceMode(await procWith('0 1001 1\n1 100000 1000\n'))).toBe('single');
  });

  it('reads the map in any order, and a gap breaks it', () => {
    expect(coversIds(parseIdMap('1 100000 65536\n0 1001 1'), 65536)).toBe(true);
    expect(coversIds(parseIdMap('0 1001 1\n2 100000 65536'), 65536)).toBe(false);
  });
});

describe('cells of a rootless vmatrix', () => {
  it('get namespace ids 1..65536 (the subordinate ids), or share the one-id namespace', async () => {
    const subids = await chooseUserns({}, '/nonexistent', 'subids');
    expect(subids.map).toEqual({ uid: 1, gid: 1, size: 65536 });
    expect(subids.refusal).toBeUndefined();
    const single = await chooseUserns({}, '/nonexistent', 'single');
    expect(single.map).toBeUndefined();
    expect(single.refusal).toBeUndefined();
    expect(single.reason).toContain('root in a cell is you');
  });

  it('have no cgroup path of their own, and devpts without gid 5 where the namespace has no such gid', () => {
    const spec: CellRunSpec = {
      id: 'vmx-r-c',
      hostname: 'c',
      lowerdirs: ['/s/i'],
      dir: '/s/c',
      args: ['true'],
      env: {},
      cwd: '/',
      network: 'none',
      stdout: process.stdout,
      stderr: process.stderr,
    };
    const host = { nofile: { soft: 1, hard: 1 }, swapLimit: false };
    type Json = Record<string, any>;
    const devpts = (c: Json) => (c.mounts as Json[]).find((m) => m.type === 'devpts')!.options as string[];
    const root = buildOciConfig(spec, host) as Json;
    expect(root.linux.cgroupsPath).toBe('/vmatrix/vmx-r-c');
    expect(devpts(root)).toContain('gid=5');
    const subids = buildOciConfig(spec, { ...host, rootless: 'subids' }) as Json;
    expect(subids.linux.cgroupsPath).toBeUndefined();
    expect(devpts(subids)).toContain('gid=5');
    expect(devpts(buildOciConfig(spec, { ...host, rootless: 'single' }) as Json)).not.toContain('gid=5');
  });

  it('say why a limit cannot apply without root, and what to do', () => {
    const { why, fix } = explainMissing('hybrid', ['memory', 'pids'], true);
    expect(why).toContain('vmatrix runs without root');
    expect(fix).toContain('run vmatrix as root for limits');
  });
});

describe('entering the namespace', () => {
  it('is for the commands that make cells or touch what they own, never for --help or --version', () => {
    for (const argv of [
      ['test'],
      ['run', 'busybox'],
      ['shell'],
      ['image', 'ls'],
      ['ps'],
      ['kill', 'x'],
      ['--debug', 'test'],
    ])
      expect(needsNamespace(argv), argv.join(' ')).toBe(true);
    for (const argv of [
      [],
      ['matrix'],
      ['report'],
      ['doctor'],
      ['init'],
      ['distros'],
      ['test', '--help'],
      ['--version'],
    ])
      expect(needsNamespace(argv), argv.join(' ')).toBe(false);
  });

  it("puts an ordinary user's store under $VMATRIX_HOME, else $XDG_DATA_HOME, else ~/.local/share", () => {
    expect(userStore({ VMATRIX_HOME: '/v', XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/v');
    expect(userStore({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/vmatrix');
    expect(userStore({ HOME: '/h' })).toBe('/h/.local/share/vmatrix');
  });
});

describe('subordinate ids of the user', () => {
  const ids: UserIds = { uid: 1001, name: 'dev', newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap' };
  it('are enough with a range in both files and uidmap installed', () => {
    expect(subidProblem({ ...ids, subuid: 100000, subgid: 100000 })).toBeUndefined();
  });
  it('print the exact usermod line when a file has none, and the package when newuidmap is missing', () => {
    expect(subidProblem({ ...ids, subgid: 100000 }, 231072)).toEqual({
      why: '/etc/subuid gives dev no range of 65536 subordinate ids',
      fix: 'as root: usermod --add-subuids 231072-296607 --add-subgids 231072-296607 dev',
    });
    expect(subidProblem({ uid: 1001, name: 'dev', subuid: 1, subgid: 1 })?.fix).toBe('as root: apt-get install uidmap');
  });
});

describe('a host that forbids user namespaces to ordinary users', () => {
  async function sysWith(file: string, value: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-sys-'));
    await mkdir(join(dir, file.split('/')[0]!), { recursive: true });
    await writeFile(join(dir, file), `${value}\n`);
    return dir;
  }

  it('is refused with exit 3, naming the setting and its fix', async () => {
    const clone = await usernsRefusal(await sysWith('kernel/unprivileged_userns_clone', '0'));
    expect(clone?.exit).toBe(3);
    expect(clone?.message).toContain('kernel.unprivileged_userns_clone = 0');
    expect(clone?.hint).toContain('sysctl -w kernel.unprivileged_userns_clone=1');
    const max = await usernsRefusal(await sysWith('user/max_user_namespaces', '0'));
    expect(max?.message).toContain('user.max_user_namespaces = 0');
    const apparmor = await usernsRefusal(await sysWith('kernel/apparmor_restrict_unprivileged_userns', '1'));
    expect(apparmor?.message).toContain('kernel.apparmor_restrict_unprivileged_userns = 1');
    expect(apparmor?.hint).toContain('userns,');
    expect(apparmor?.hint).toContain('apparmor_parser -r /etc/apparmor.d/vmatrix-unshare');
  });

  it('is not refused where the settings allow it, or are absent', async () => {
    expect(await usernsRefusal(await sysWith('kernel/unprivileged_userns_clone', '1'))).toBeUndefined();
    expect(await usernsRefusal(await mkdtemp(join(tmpdir(), 'vmx-sys-')))).toBeUndefined();
  });
});
