import { describe, expect, it } from 'vitest';
import { archCannotRun, archNotes } from '../../../src/pipeline/inputs.js';

// What a run says about its foreign arches, and the error of a cell whose arch this host cannot run: a
// result keeps only the message, so the fix must be in it.

describe('arch notes and errors of a run', () => {
  it('says how each arch that is not the host runs, or why it cannot', () => {
    const notes = archNotes(
      new Map([
        ['amd64', { arch: 'amd64', runs: true, how: 'native' as const }],
        ['i386', { arch: 'i386', runs: true, how: 'native' as const }],
        ['s390x', { arch: 's390x', runs: true, how: 'qemu-user' as const, interpreter: '/q/s390x' }],
        ['arm64', { arch: 'arm64', runs: false, how: 'qemu-user' as const, problem: 'arm64 needs qemu-user' }],
      ]),
      'amd64',
    );
    expect(notes).toEqual([
      'i386: runs natively',
      's390x: qemu-user (/q/s390x)',
      'arm64: cannot run here: arm64 needs qemu-user',
    ]);
  });

  it('puts the fix in the message: doctor first, then the commands by hand', () => {
    const e = archCannotRun({
      arch: 's390x',
      runs: false,
      how: 'qemu-user',
      problem: 's390x needs qemu-user in binfmt_misc, and binfmt_misc is not mounted',
      fix: ['vmatrix doctor --fix', '# or by hand:', 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc', 'b'],
    });
    expect(e.code).toBe('ARCH_CANNOT_RUN');
    expect(e.exit).toBe(3);
    expect(e.message).toBe(
      's390x needs qemu-user in binfmt_misc, and binfmt_misc is not mounted; to fix it, as root: vmatrix doctor ' +
        '--fix (or by hand: mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && b)',
    );
    const bare = archCannotRun({ arch: 'i386', runs: false, how: 'native', problem: 'no IA32 emulation' });
    expect(bare.message).toBe('no IA32 emulation');
  });
});
