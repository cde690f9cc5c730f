import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballCatalog } from '../fixtures/catalog.js';
import { runCli } from '../helpers/cli.js';
import { hostArch } from '../../src/util/arch.js';

// `vmatrix run`, `image ls` and `doctor` against a real store, real images and the real runtime.

let env: Record<string, string>;

/** The store and catalog, removed at the end (a Debian 12 image: ~230 MB). */
let work = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-run-'));
  env = {
    VMATRIX_HOME: join(work, 'store'),
    VMATRIX_CATALOG: await debianTarballCatalog(join(work, 'catalog'), ['12']),
  };
}, 900_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('vmatrix run', () => {
  it('runs one command in a fresh busybox cell and prints its output', async () => {
    const r = await runCli(['run', 'busybox', '--', 'cat', '/etc/os-release'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ID=busybox');
  });

  it('runs a command in a Debian 12 cell; its flags after -- belong to it', async () => {
    const r = await runCli(['run', 'debian-12', '--', 'sh', '-c', 'cat /etc/os-release; ls -d /proc/1'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('VERSION_CODENAME=bookworm');
    expect(r.stdout).toContain('/proc/1');
  });

  it("returns the command's exit status and leaves no cell behind", async () => {
    const r = await runCli(['run', 'busybox', '--', 'sh', '-c', 'exit 7'], { env });
    expect(r.code).toBe(7);
    expect(await readdir(join(env.VMATRIX_HOME!, 'cells'))).toEqual([]);
  });

  it('says what to do when no command is given', async () => {
    const r = await runCli(['run', 'busybox'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('vmatrix run busybox -- ');
  });

  it('lists the images it fetched', async () => {
    const r = await runCli(['image', 'ls'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\S+\s+debian-12\s/m);
    expect(r.stdout).toMatch(/^\S+\s+busybox\s/m);
  });
});

describe('the seccomp filter, on the real kernel', { tags: ['safety', 'isolation'] }, () => {
  it('refuses clone(CLONE_NEWUSER) in a Debian cell and still lets it fork', async () => {
    // perl-base's syscall(): clone is 56 on x86-64 and 220 on arm64; CLONE_NEWUSER | SIGCHLD. The plain
    // clone, with only SIGCHLD, is a fork: the child exits at once (output unbuffered, so it has nothing
    // of the parent's to flush), the parent prints what it got.
    const script =
      '$| = 1; my $n = `uname -m` =~ /aarch64/ ? 220 : 56;' +
      ' my $r = syscall($n, 0x10000011, 0, 0, 0, 0); print "newuser $r $!\\n";' +
      ' my $f = syscall($n, 17, 0, 0, 0, 0); if ($f == 0) { exit 0 } waitpid($f, 0); print "fork ", ($f > 0 ? "ok" : "failed $!"), "\\n";';
    const r = await runCli(['run', 'debian-12', '--', 'perl', '-e', script], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('newuser -1 Operation not permitted\nfork ok\n');
  });
});

describe('vmatrix doctor', () => {
  it('finds this host ready and names the runtime it chose and why', async () => {
    const r = await runCli(['doctor'], { env });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+OCI runtime: (runc|crun) .*:/m);
    expect(r.stdout).toMatch(/^ok\s+Debian mirror: /m);
  });

  it("lists each arch and how its cells run: the host's natively, the foreign ones through qemu-user", async () => {
    const r = await runCli(['doctor'], { env });
    const qemu = (arch: string): RegExp => new RegExp(`^ok\\s+arch ${arch}: qemu-user via /\\S+$`, 'm');
    expect(r.stdout).toMatch(new RegExp(`^ok\\s+arch ${hostArch()}: native$`, 'm'));
    // setup-host.sh registers qemu-user-static's interpreters in binfmt_misc.
    expect(r.stdout).toMatch(qemu('s390x'));
    if (hostArch() !== 'arm64') expect(r.stdout).toMatch(qemu('arm64'));
  });
});
