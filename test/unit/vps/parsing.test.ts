import { describe, expect, it } from 'vitest';
import { parseCgroupMountEntries } from '../../../src/vps/cgroups.js';
import { decodeExit } from '../../../src/vps/exit-status.js';
import { parseNofileHard } from '../../../src/vps/limits.js';
import { parseMountPoints } from '../../../src/vps/mounts.js';
import { runtimeErrors } from '../../../src/vps/run-cell.js';
import { chooseRuntime } from '../../../src/vps/runtime.js';

const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  '50 27 0:40 / /tmp/with\\040space rw - tmpfs tmpfs rw',
  '',
].join('\n');

describe('mountinfo parsing', () => {
  it('lists mount points with escapes undone', () => {
    expect(parseMountPoints(MOUNTINFO)).toEqual([
      '/',
      '/sys/fs/cgroup',
      '/sys/fs/cgroup/cpu',
      '/sys/fs/cgroup/unified',
      '/tmp/with space',
    ]);
  });

  it('finds the cgroup v1 and v2 hierarchies with their controllers, not the tmpfs holding them', () => {
    expect(parseCgroupMountEntries(MOUNTINFO)).toEqual([
      { point: '/sys/fs/cgroup/cpu', version: 1, options: ['rw', 'cpu'] },
      { point: '/sys/fs/cgroup/unified', version: 2, options: ['rw'] },
    ]);
  });
});

describe('decodeExit', () => {
  it('keeps plain exit statuses, turns 128+n into signal n, and passes a Node signal through', () => {
    expect(decodeExit(0, null)).toEqual({ exitCode: 0, signal: null });
    expect(decodeExit(7, null)).toEqual({ exitCode: 7, signal: null });
    expect(decodeExit(139, null)).toEqual({ exitCode: null, signal: 'SIGSEGV' });
    expect(decodeExit(134, null)).toEqual({ exitCode: null, signal: 'SIGABRT' });
    expect(decodeExit(null, 'SIGKILL')).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(decodeExit(128, null)).toEqual({ exitCode: 128, signal: null });
    expect(decodeExit(255, null)).toEqual({ exitCode: 255, signal: null });
  });
});

describe('parseNofileHard', () => {
  it('reads the hard open-files limit', () => {
    expect(parseNofileHard('Max cpu time   unlimited  unlimited  seconds\nMax open files  1024  20000  files\n')).toBe(
      20000,
    );
    expect(parseNofileHard('Max open files  unlimited  unlimited  files\n')).toBeUndefined();
  });
});

describe('runtimeErrors', () => {
  it('picks the error messages of a JSON log and ignores the rest', () => {
    const log = '{"level":"warning","msg":"w"}\n{"level":"error","msg":"runc run failed: boom"}\nnot json\n';
    expect(runtimeErrors(log)).toEqual(['runc run failed: boom']);
    expect(runtimeErrors('')).toEqual([]);
  });
});

describe('chooseRuntime', () => {
  const both = { runc: '/usr/sbin/runc', crun: '/usr/bin/crun' };
  it('prefers crun on pure cgroup v2 and runc elsewhere, saying why', () => {
    expect(chooseRuntime('v2', both)).toMatchObject({
      name: 'crun',
      reason: expect.stringContaining('pure cgroup v2'),
    });
    expect(chooseRuntime('hybrid', both)).toEqual({
      name: 'runc',
      path: '/usr/sbin/runc',
      reason: "runc: crun does not support this host's hybrid cgroup v1/v2 layout",
    });
    expect(chooseRuntime('v2', { runc: both.runc, crun: undefined }).reason).toBe('runc: crun is not installed');
    expect(chooseRuntime('v1', { runc: undefined, crun: both.crun }).name).toBe('crun');
  });

  it('fails with an install hint when nothing usable is there', () => {
    const none = { runc: undefined, crun: undefined };
    expect(() => chooseRuntime('v2', none)).toThrow(
      expect.objectContaining({ code: 'NO_RUNTIME', hint: 'apt-get install runc', exit: 3 }),
    );
    expect(() => chooseRuntime('hybrid', { runc: undefined, crun: both.crun })).toThrow(
      expect.objectContaining({ code: 'NO_RUNTIME' }),
    );
  });

  it('honours a forced runtime, or says why it cannot', () => {
    expect(chooseRuntime('v2', both, 'runc').name).toBe('runc');
    expect(() => chooseRuntime('hybrid', both, 'crun')).toThrow(expect.objectContaining({ code: 'RUNTIME_UNUSABLE' }));
    expect(() => chooseRuntime('v2', { runc: both.runc, crun: undefined }, 'crun')).toThrow(
      expect.objectContaining({ code: 'NO_RUNTIME', hint: 'apt-get install crun' }),
    );
  });
});
