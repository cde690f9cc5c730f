import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnCapture } from '../../helpers/cli.js';
import { hostArch } from '../../../src/util/arch.js';
import { archSupports } from '../../../src/vps/index.js';

// The real host, as scripts/setup-host.sh leaves it: qemu-user-static's interpreters registered in binfmt_misc
// with F, so that cells of foreign arches run. Nothing here unregisters, disables or unmounts an entry.

const BINFMT = fileURLToPath(new URL('../../../dist/vps/binfmt-register.js', import.meta.url));

describe('foreign arches on this host', () => {
  it('runs arm64 and s390x through qemu-user (setup-host.sh registers them)', async () => {
    const all = await archSupports(['arm64', 's390x']);
    // CI's machine is amd64; on an arm64 one, arm64 is native and s390x alone shows the registration.
    for (const arch of hostArch() === 'arm64' ? ['s390x'] : ['arm64', 's390x']) {
      const s = all.get(arch)!;
      expect(s, `${s.problem}\nfix:\n${s.fix?.join('\n')}`).toMatchObject({ arch, runs: true, how: 'qemu-user' });
      expect(s.interpreter).toMatch(/^\//);
    }
  });

  it('registering mounts binfmt_misc where it is not, and leaves the entries already there alone', async () => {
    // A private mount namespace, so that the mount on a temp dir is this test's alone and goes with it.
    const dir = await mkdtemp(join(tmpdir(), 'vmx-binfmt-mount-'));
    const script =
      'const { registerQemu } = await import(process.argv[1]);' +
      'console.log(JSON.stringify(await registerQemu(["arm64", "s390x"], { binfmtDir: process.argv[2] })));';
    const r = await spawnCapture(
      'unshare',
      ['--mount', '--propagation', 'private', '--', process.execPath, '--input-type=module', '-e', script, BINFMT, dir],
      {},
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ mounted: true, registered: [], problems: [] });
  });
});
