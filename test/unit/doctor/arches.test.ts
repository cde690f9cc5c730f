import { describe, expect, it } from 'vitest';
import { describeArch, describeRegistration } from '../../../src/doctor/arches.js';

describe('describeArch (the doctor checks "arch …")', () => {
  it('says how an arch that runs does', () => {
    expect(describeArch({ arch: 'amd64', runs: true, how: 'native' })).toEqual({ ok: true, detail: 'native' });
    expect(describeArch({ arch: 'arm64', runs: true, how: 'qemu-user', interpreter: '/q/aarch64' })).toEqual({
      ok: true,
      detail: 'qemu-user via /q/aarch64',
    });
  });

  it('warns, never fails, for one that cannot; --fix installs qemu-user-static and registers it', () => {
    const r = describeArch({
      arch: 'arm64',
      runs: false,
      how: 'qemu-user',
      problem: 'arm64 needs qemu-user in binfmt_misc, and qemu-user-static is not installed',
      fix: ['vmatrix doctor --fix', '# or by hand:', 'apt-get install -y qemu-user-static', 'grep … > register'],
    });
    expect(r).toMatchObject({
      ok: false,
      warn: true,
      detail: 'arm64 needs qemu-user in binfmt_misc, and qemu-user-static is not installed',
      fix: 'vmatrix doctor --fix\n# or by hand:\napt-get install -y qemu-user-static\ngrep … > register',
      packages: ['qemu-user-static'],
    });
    expect(r.repair).toBeTypeOf('function');
  });

  it('leaves an entry someone registered to the fix by hand: --fix has nothing to do for it', () => {
    const r = describeArch({
      arch: 's390x',
      runs: false,
      how: 'qemu-user',
      problem: 's390x needs qemu-user in binfmt_misc, and its entry qemu-s390x is disabled',
      fix: ['echo 1 > /proc/sys/fs/binfmt_misc/qemu-s390x'],
    });
    expect(r).toMatchObject({ ok: false, warn: true, fix: 'echo 1 > /proc/sys/fs/binfmt_misc/qemu-s390x' });
    expect(r.packages).toBeUndefined();
    expect(r.repair).toBeUndefined();
  });

  it('has no fix line when no command fixes it', () => {
    const r = describeArch({ arch: 'i386', runs: false, how: 'native', problem: 'no IA32 emulation' });
    expect(r).toMatchObject({ ok: false, warn: true, detail: 'no IA32 emulation' });
    expect(r.fix).toBeUndefined();
  });
});

describe('describeRegistration (what doctor --fix says it did)', () => {
  it('names the mount, the entries and the problems, or that there was nothing to do', () => {
    expect(describeRegistration({ mounted: true, registered: ['qemu-aarch64'], problems: [] })).toBe(
      'mounted binfmt_misc; registered qemu-aarch64 in binfmt_misc',
    );
    expect(describeRegistration({ mounted: false, registered: [], problems: ['qemu-s390x: no conf'] })).toBe(
      'qemu-s390x: no conf',
    );
    expect(describeRegistration({ mounted: false, registered: [], problems: [] })).toBe('already registered');
  });
});
