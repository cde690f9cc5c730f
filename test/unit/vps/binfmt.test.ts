import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { archSupport, archSupports, registerQemu } from '../../../src/vps/index.js';
import { ARCHES } from '../../../src/util/arch.js';

// binfmt_misc and qemu-user-static's files, faked in a temp dir: the host's real entries are never changed.

interface FakeEntry {
  enabled?: boolean;
  interpreter?: string;
  flags?: string;
}

interface FakeHost {
  /** binfmt_misc mounted (its register file exists); default true. */
  mounted?: boolean;
  /** binfmt_misc's directory exists at all (the module is loaded); default true. */
  dir?: boolean;
  status?: 'enabled' | 'disabled';
  entries?: Record<string, FakeEntry>;
  /** qemu names whose qemu-user-static files exist, with their conf's flags (default OPF). */
  installed?: Record<string, string>;
}

const P = (q: string): string => `/usr/libexec/qemu-binfmt/${q}-binfmt-P`;
const confLine = (q: string, flags = 'OPF'): string =>
  `:qemu-${q}:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01:\\xff\\xff\\xff\\xff\\xff\\xff\\xff:${P(q)}:${flags}`;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function fakeHost(h: FakeHost = {}): Promise<{ binfmtDir: string; packageRoot: string; host: string }> {
  const root = await mkdtemp(join(tmpdir(), 'vmx-binfmt-'));
  const binfmtDir = join(root, 'binfmt_misc');
  const packageRoot = join(root, 'root');
  await mkdir(packageRoot);
  if (h.dir !== false) await mkdir(binfmtDir);
  if (h.dir !== false && h.mounted !== false) {
    await put(join(binfmtDir, 'register'), '');
    await put(join(binfmtDir, 'status'), `${h.status ?? 'enabled'}\n`);
    for (const [q, e] of Object.entries(h.entries ?? {})) {
      const text = [e.enabled === false ? 'disabled' : 'enabled', `interpreter ${e.interpreter ?? P(q)}`];
      await put(join(binfmtDir, `qemu-${q}`), [...text, `flags: ${e.flags ?? 'POF'}`, 'offset 0', ''].join('\n'));
    }
  }
  for (const [q, flags] of Object.entries(h.installed ?? {})) {
    await put(join(packageRoot, P(q)), '');
    await put(join(packageRoot, `usr/lib/binfmt.d/qemu-${q}.conf`), `# from qemu-user-static\n${confLine(q, flags)}\n`);
  }
  return { binfmtDir, packageRoot, host: 'amd64' };
}

const REGISTER = "grep -hv '^#' /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register";
const MOUNT = 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc';
const INSTALL = 'apt-get install -y qemu-user-static';

describe('archSupport: the arches that run natively', () => {
  const config = async (text: string, gzip = false): Promise<string> => {
    const path = join(await mkdtemp(join(tmpdir(), 'vmx-kconfig-')), gzip ? 'config.gz' : 'config');
    await writeFile(path, gzip ? gzipSync(text) : text);
    return path;
  };

  it('runs amd64 on amd64, and i386 when the kernel has IA32 emulation (plain or gzipped config)', async () => {
    const o = { ...(await fakeHost()), kernelConfig: await config('CONFIG_X86_64=y\nCONFIG_IA32_EMULATION=y\n') };
    expect(await archSupport('amd64', o)).toEqual({ arch: 'amd64', runs: true, how: 'native' });
    expect(await archSupport('i386', o)).toEqual({ arch: 'i386', runs: true, how: 'native' });
    const gz = await config('CONFIG_IA32_EMULATION=y\n', true);
    expect((await archSupport('i686', { ...o, kernelConfig: gz })).runs).toBe(true);
  });

  it('runs i386 natively when a 32-bit x86 program runs, without a kernel config to ask', async () => {
    const o = { ...(await fakeHost()), probeI386: () => Promise.resolve(true) };
    expect(await archSupport('i386', o)).toEqual({ arch: 'i386', runs: true, how: 'native' });
  });

  it('runs i386 through its qemu-i386 entry when one is registered: binfmt_misc comes before the kernel', async () => {
    const o = {
      ...(await fakeHost({ entries: { i386: { interpreter: '/usr/bin/qemu-i386-static', flags: 'F' } } })),
      probeI386: () => Promise.resolve(true),
    };
    expect(await archSupport('i386', o)).toEqual({
      arch: 'i386',
      runs: true,
      how: 'qemu-user',
      interpreter: '/usr/bin/qemu-i386-static',
    });
  });

  it('does not run i386 on a kernel without IA32 emulation, and fixes it with a qemu-i386 entry', async () => {
    const kernelConfig = await config('CONFIG_X86_64=y\n# CONFIG_IA32_EMULATION is not set\n', true);
    const host = await fakeHost();
    await put(join(host.packageRoot, 'usr/bin/qemu-i386-static'), '');
    const s = await archSupport('i386', { ...host, kernelConfig, probeI386: () => Promise.resolve(true) });
    expect(s).toMatchObject({ arch: 'i386', runs: false, how: 'qemu-user' });
    expect(s.problem).toBe(
      `i386 programs do not run on this kernel (it is built without IA32 emulation (${kernelConfig})), so i386 ` +
        'needs qemu-user in binfmt_misc, and qemu-i386 is not registered (qemu-user-static is installed: ' +
        'systemd-binfmt registers it at boot, nothing does without systemd)',
    );
    expect(s.fix).toEqual([
      'vmatrix doctor --fix',
      '# or by hand:',
      "printf '%s\\n' ':qemu-i386:M::\\x7fELF\\x01\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x03\\x00:" +
        '\\xff\\xff\\xff\\xff\\xff\\xfe\\xfe\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:' +
        "/usr/bin/qemu-i386-static:F' > /proc/sys/fs/binfmt_misc/register",
    ]);
  });

  it('asks the kernel by running a 32-bit x86 program when no config is named (a config can be overruled)', async () => {
    const probed: boolean[] = [];
    const o = { ...(await fakeHost()), probeI386: () => (probed.push(false), Promise.resolve(false)) };
    expect((await archSupport('i386', o)).runs).toBe(false);
    expect(probed).toHaveLength(1);
  });

  it('registers qemu-i386 from qemu-i386-static where the kernel runs no i386 program, and only there', async () => {
    const host = await fakeHost();
    await put(join(host.packageRoot, 'usr/bin/qemu-i386-static'), '');
    const no = await registerQemu(['amd64', 'i386'], { ...host, probeI386: () => Promise.resolve(false) });
    expect(no).toEqual({ mounted: false, registered: ['qemu-i386'], problems: [] });
    expect(await readFile(join(host.binfmtDir, 'register'), 'utf8')).toMatch(
      /^:qemu-i386:M::\\x7fELF.*:\/usr\/bin\/qemu-i386-static:F\n$/,
    );
    const other = await fakeHost();
    const yes = await registerQemu(['amd64', 'i386'], { ...other, probeI386: () => Promise.resolve(true) });
    expect(yes.registered).toEqual([]);
  });

  it('runs arm64 natively on arm64, and amd64 and i386 there through qemu-user', async () => {
    const o = { ...(await fakeHost({ entries: { x86_64: {}, i386: {} } })), host: 'aarch64' };
    const all = await archSupports(['arm64', 'amd64', 'i386'], o);
    expect(all.get('arm64')).toEqual({ arch: 'arm64', runs: true, how: 'native' });
    expect(all.get('amd64')).toMatchObject({ runs: true, how: 'qemu-user', interpreter: P('x86_64') });
    expect(all.get('i386')).toMatchObject({ runs: true, how: 'qemu-user', interpreter: P('i386') });
  });

  it('knows every arch vmatrix spells', () => {
    expect([...ARCHES].sort()).toEqual(['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 'riscv64', 's390x']);
  });
});

describe('archSupport: foreign arches through qemu-user in binfmt_misc', () => {
  it('runs an arch whose entry is enabled and has F, through its interpreter', async () => {
    const o = await fakeHost({ entries: { aarch64: {} }, installed: { aarch64: 'OPF' } });
    expect(await archSupport('arm64', o)).toEqual({
      arch: 'arm64',
      runs: true,
      how: 'qemu-user',
      interpreter: P('aarch64'),
    });
  });

  it("accepts a third party's entry, whose interpreter is not on the host: F opened it at registration", async () => {
    const o = await fakeHost({ entries: { s390x: { interpreter: '/usr/bin/qemu-s390x', flags: 'POCF' } } });
    expect(await archSupport('s390x', o)).toMatchObject({ runs: true, interpreter: '/usr/bin/qemu-s390x' });
  });

  it('reads every arch at once, keyed by its Debian spelling', async () => {
    const o = await fakeHost({ entries: { aarch64: {}, arm: {}, ppc64le: {}, s390x: {}, riscv64: {} } });
    const all = await archSupports(['aarch64', 'armhf', 'ppc64el', 's390x', 'riscv64', 'amd64'], o);
    expect([...all.keys()]).toEqual(['arm64', 'armhf', 'ppc64el', 's390x', 'riscv64', 'amd64']);
    expect([...all.values()].map((s) => `${s.arch} ${s.how} ${s.runs}`)).toEqual([
      'arm64 qemu-user true',
      'armhf qemu-user true',
      'ppc64el qemu-user true',
      's390x qemu-user true',
      'riscv64 qemu-user true',
      'amd64 native true',
    ]);
  });

  it('binfmt_misc not mounted: says so, and mounts before it registers', async () => {
    const o = await fakeHost({ mounted: false, installed: { aarch64: 'OPF' } });
    expect(await archSupport('arm64', o)).toEqual({
      arch: 'arm64',
      runs: false,
      how: 'qemu-user',
      problem: 'arm64 needs qemu-user in binfmt_misc, and binfmt_misc is not mounted',
      fix: ['vmatrix doctor --fix', '# or by hand:', MOUNT, REGISTER],
    });
  });

  it('binfmt_misc not even loaded: loads the module first, and installs qemu-user-static when it is missing', async () => {
    const s = await archSupport('arm64', await fakeHost({ dir: false }));
    expect(s.problem).toBe('arm64 needs qemu-user in binfmt_misc, and binfmt_misc is not mounted');
    expect(s.fix).toEqual(['vmatrix doctor --fix', '# or by hand:', INSTALL, 'modprobe binfmt_misc', MOUNT, REGISTER]);
  });

  it('qemu-user-static not installed: installs it, then registers', async () => {
    const s = await archSupport('arm64', await fakeHost());
    expect(s).toMatchObject({
      runs: false,
      problem:
        'arm64 needs qemu-user in binfmt_misc, and qemu-user-static is not installed (no /usr/libexec/qemu-binfmt/aarch64-binfmt-P)',
      fix: ['vmatrix doctor --fix', '# or by hand:', INSTALL, REGISTER],
    });
  });

  it('installed but not registered (no systemd to do it): registers', async () => {
    const s = await archSupport('arm64', await fakeHost({ installed: { aarch64: 'OPF' } }));
    expect(s.problem).toBe(
      'arm64 needs qemu-user in binfmt_misc, and qemu-aarch64 is not registered (qemu-user-static is installed: ' +
        'systemd-binfmt registers it at boot, nothing does without systemd)',
    );
    expect(s.fix).toEqual(['vmatrix doctor --fix', '# or by hand:', REGISTER]);
  });

  it('binfmt_misc disabled as a whole: enables it by hand (doctor --fix changes no one else’s setting)', async () => {
    const o = await fakeHost({ status: 'disabled', entries: { aarch64: {} } });
    expect(await archSupport('arm64', o)).toMatchObject({
      runs: false,
      interpreter: P('aarch64'),
      problem: 'arm64 needs qemu-user in binfmt_misc, and binfmt_misc is disabled (/proc/sys/fs/binfmt_misc/status)',
      fix: ['echo 1 > /proc/sys/fs/binfmt_misc/status'],
    });
  });

  it('the entry disabled: enables it', async () => {
    const o = await fakeHost({ entries: { aarch64: { enabled: false } }, installed: { aarch64: 'OPF' } });
    expect(await archSupport('arm64', o)).toMatchObject({
      runs: false,
      problem:
        'arm64 needs qemu-user in binfmt_misc, and its entry qemu-aarch64 is disabled (/proc/sys/fs/binfmt_misc/qemu-aarch64)',
      fix: ['echo 1 > /proc/sys/fs/binfmt_misc/qemu-aarch64'],
    });
  });

  it('registered without F: cells cannot reach the interpreter; unregisters it and registers it again with F', async () => {
    const o = await fakeHost({ entries: { aarch64: { flags: 'PO' } }, installed: { aarch64: 'OPF' } });
    const s = await archSupport('arm64', o);
    expect(s.problem).toBe(
      'arm64 needs qemu-user in binfmt_misc, and qemu-aarch64 is registered without the fix-binary flag F: cells ' +
        "cannot reach its interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P (the kernel looks for it in the cell's " +
        'root, which has no qemu); it must be registered again with F',
    );
    expect(s.fix).toEqual(['echo -1 > /proc/sys/fs/binfmt_misc/qemu-aarch64', REGISTER]);
  });

  it('registered without F to an interpreter that is missing: installs qemu-user-static and registers again', async () => {
    const o = await fakeHost({ entries: { aarch64: { interpreter: '/usr/bin/qemu-aarch64-static', flags: '' } } });
    const s = await archSupport('arm64', o);
    expect(s.problem).toBe(
      "arm64 needs qemu-user in binfmt_misc, and qemu-aarch64's interpreter /usr/bin/qemu-aarch64-static does not " +
        'exist, and the entry lacks the fix-binary flag F that would let cells reach one; it must be registered again with F',
    );
    expect(s.fix).toEqual([INSTALL, 'echo -1 > /proc/sys/fs/binfmt_misc/qemu-aarch64', REGISTER]);
  });

  it('an arch vmatrix has no qemu name for cannot run, and no command changes that', async () => {
    const s = await archSupport('mips64el', await fakeHost());
    expect(s).toMatchObject({ arch: 'mips64el', runs: false, how: 'qemu-user' });
    expect(s.problem).toMatch(/^vmatrix knows no qemu-user for mips64el \(it knows amd64, i386, /);
    expect(s.fix).toBeUndefined();
  });
});

describe('registerQemu', () => {
  it('registers the missing entries from qemu-user-static’s lines, one write each, and skips native arches', async () => {
    const o = await fakeHost({ installed: { aarch64: 'OPF', s390x: 'OPF', x86_64: 'OPF' } });
    const r = await registerQemu(['amd64', 'i386', 'arm64', 's390x'], { ...o, probeI386: () => Promise.resolve(true) });
    expect(r).toEqual({ mounted: false, registered: ['qemu-aarch64', 'qemu-s390x'], problems: [] });
    expect(await readFile(join(o.binfmtDir, 'register'), 'utf8')).toBe(
      `${confLine('aarch64')}\n${confLine('s390x')}\n`,
    );
  });

  it('never touches an entry already registered, whatever its flags', async () => {
    const o = await fakeHost({ entries: { aarch64: { flags: 'P' } }, installed: { aarch64: 'OPF', arm: 'OPF' } });
    expect(await registerQemu(['arm64', 'armhf'], o)).toEqual({
      mounted: false,
      registered: ['qemu-arm'],
      problems: [],
    });
    expect(await readFile(join(o.binfmtDir, 'register'), 'utf8')).toBe(`${confLine('arm')}\n`);
  });

  it('says what it cannot register: no line (not installed), or a line without F', async () => {
    const o = await fakeHost({ installed: { riscv64: 'OP' } });
    const r = await registerQemu(['ppc64el', 'riscv64'], o);
    expect(r.registered).toEqual([]);
    expect(r.problems).toEqual([
      'qemu-ppc64le: no /usr/lib/binfmt.d/qemu-ppc64le.conf (apt-get install -y qemu-user-static)',
      'qemu-riscv64: /usr/lib/binfmt.d/qemu-riscv64.conf lacks the fix-binary flag F, which cells need (is it not ' +
        "qemu-user-static's?)",
    ]);
    expect(await readFile(join(o.binfmtDir, 'register'), 'utf8')).toBe('');
  });

  it('does nothing, mount included, when every wanted arch is native', async () => {
    const o = { ...(await fakeHost({ mounted: false })), probeI386: () => Promise.resolve(true) };
    expect(await registerQemu(['amd64', 'i386'], o)).toEqual({ mounted: false, registered: [], problems: [] });
  });
});
