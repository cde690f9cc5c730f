import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PackageManagerName } from '../../../src/catalog/index.js';
import { installScript, packageManagers, usesCache } from '../../../src/catalog/package-managers.js';
import { mapPackageNames } from '../../../src/catalog/package-names.js';
import { VmError } from '../../../src/util/errors.js';

function caught(fn: () => unknown): VmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

// Gentoo: the ebuild repository when there is none, then binary packages from the binary host where it has
// them; the repository and the caches go after. Void: xbps first (it will not update anything else while its
// own update is pending), then the system, then the packages.
const EMERGE =
  "{ [ -e /var/db/repos/gentoo/metadata/timestamp.x ] || emerge-webrsync --quiet; } && emerge --ask=n --color=n --nospinner --quiet-build=y --getbinpkg=y --noreplace 'sys-devel/gcc'" +
  ' && rm -rf /var/db/repos/gentoo /var/cache/distfiles/* /var/cache/binpkgs/*';
const XBPS = "xbps-install -Syu xbps && xbps-install -yu && xbps-install -y 'gcc' && rm -rf /var/cache/xbps/*";

// The exact command each family runs, as the distro's own install command would by default (weak
// dependencies included), and with `install_recommends: false` (its option that leaves them out).
const FAMILIES: Array<{ pm: PackageManagerName; recommends: string; without: string }> = [
  {
    pm: 'apt',
    recommends:
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-unsafe-io install -y 'gcc' 'libc6-dev' && apt-get clean && rm -rf /var/lib/apt/lists/*",
    without:
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-unsafe-io install -y --no-install-recommends 'gcc' 'libc6-dev' && apt-get clean && rm -rf /var/lib/apt/lists/*",
  },
  { pm: 'apk', recommends: "apk add --no-cache 'gcc' 'musl-dev'", without: "apk add --no-cache 'gcc' 'musl-dev'" },
  {
    pm: 'dnf',
    recommends: "dnf install -y 'gcc' && dnf clean all",
    without: "dnf install -y --setopt=install_weak_deps=False 'gcc' && dnf clean all",
  },
  {
    pm: 'pacman',
    recommends: "pacman -Syu --noconfirm --needed 'gcc' && rm -rf /var/cache/pacman/pkg/* /var/lib/pacman/sync/*",
    without: "pacman -Syu --noconfirm --needed 'gcc' && rm -rf /var/cache/pacman/pkg/* /var/lib/pacman/sync/*",
  },
  {
    pm: 'zypper',
    recommends: "zypper --non-interactive install 'gcc' && zypper clean -a",
    without: "zypper --non-interactive install --no-recommends 'gcc' && zypper clean -a",
  },
  {
    pm: 'emerge',
    recommends: EMERGE,
    without: EMERGE,
  },
  {
    pm: 'xbps',
    recommends: XBPS,
    without: XBPS,
  },
];

describe('installScript', () => {
  describe.each(FAMILIES)('for $pm, `packages: [gcc]`', ({ pm, recommends, without }) => {
    const packages = mapPackageNames(pm, ['gcc']);

    it("installs weak dependencies by default, as the distro's own install command does", () => {
      expect(installScript(pm, packages)).toBe(recommends);
      expect(installScript(packageManagers[pm], packages, { recommends: true })).toBe(recommends);
    });

    it('leaves them out with install_recommends: false, where the manager has them', () => {
      expect(installScript(pm, packages, { recommends: false })).toBe(without);
    });
  });

  describe('with a package cache mounted at /run/vmatrix-cache', () => {
    const cache = '/run/vmatrix-cache';
    const CACHED: Record<string, string> = {
      apt:
        'mkdir -p /run/vmatrix-cache/archives/partial /run/vmatrix-cache/lists/partial && apt-get -o Dir::Cache::Archives=/run/vmatrix-cache/archives/ -o Dir::State::Lists=/run/vmatrix-cache/lists/ ' +
        '-o APT::Keep-Downloaded-Packages=true update && DEBIAN_FRONTEND=noninteractive apt-get ' +
        '-o Dir::Cache::Archives=/run/vmatrix-cache/archives/ -o Dir::State::Lists=/run/vmatrix-cache/lists/ ' +
        "-o APT::Keep-Downloaded-Packages=true -o Dpkg::Options::=--force-unsafe-io install -y 'gcc' && apt-get clean && rm -rf /var/lib/apt/lists/*",
      apk: "apk add --cache-dir /run/vmatrix-cache --update-cache 'gcc'",
      dnf: "dnf install -y --setopt=cachedir=/run/vmatrix-cache --setopt=keepcache=True --refresh 'gcc' && dnf clean all",
      pacman:
        "mkdir -p /run/vmatrix-cache/pkg && pacman -Syu --noconfirm --needed --cachedir /run/vmatrix-cache/pkg 'gcc' && " +
        'rm -rf /var/cache/pacman/pkg/* /var/lib/pacman/sync/*',
      zypper:
        'zypper --non-interactive modifyrepo --all --keep-packages && ' +
        'zypper --non-interactive --cache-dir /run/vmatrix-cache refresh && ' +
        "zypper --non-interactive --cache-dir /run/vmatrix-cache install 'gcc' && " +
        'zypper --non-interactive modifyrepo --all --no-keep-packages && zypper clean -a',
      emerge:
        '{ [ -e /var/db/repos/gentoo/metadata/timestamp.x ] || emerge-webrsync --quiet; } && ' +
        'DISTDIR=/run/vmatrix-cache/distfiles PKGDIR=/run/vmatrix-cache/binpkgs ' +
        "emerge --ask=n --color=n --nospinner --quiet-build=y --getbinpkg=y --noreplace 'sys-devel/gcc' && " +
        'rm -rf /var/db/repos/gentoo /var/cache/distfiles/* /var/cache/binpkgs/*',
      xbps:
        'xbps-install -Syu --cachedir /run/vmatrix-cache xbps && xbps-install -yu --cachedir /run/vmatrix-cache && ' +
        "xbps-install -y --cachedir /run/vmatrix-cache 'gcc' && rm -rf /var/cache/xbps/*",
    };

    it.each(Object.keys(CACHED))('%s keeps its downloads in the cache, and its clean leaves the cache alone', (pm) => {
      const name = pm as keyof typeof packageManagers;
      expect(installScript(name, [name === 'emerge' ? 'sys-devel/gcc' : 'gcc'], { cache })).toBe(CACHED[pm]);
      expect(usesCache(name)).toBe(true);
    });

    it('puts the weak-dependency option before the names as without a cache', () => {
      expect(installScript('apt', ['make'], { cache, recommends: false })).toContain(
        "install -y --no-install-recommends 'make' && ",
      );
    });

    it('takes only a plain absolute path, and a manager without a cache ignores it', () => {
      expect(() => installScript('apt', ['make'], { cache: '/run/x; rm -rf /' })).toThrow(/plain absolute path/);
      expect(usesCache('none')).toBe(false);
    });
  });

  it('quotes every name', () => {
    expect(installScript('apt', ['make', 'g++', 'libc6-dev:amd64'], { recommends: false })).toBe(
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-unsafe-io install -y --no-install-recommends 'make' 'g++' 'libc6-dev:amd64'" +
        ' && apt-get clean && rm -rf /var/lib/apt/lists/*',
    );
  });

  it("takes Gentoo's category/name and apt's name/release, and still no name that starts with a slash", () => {
    expect(installScript('emerge', ['dev-build/cmake', 'dev-lang/python:3.13'])).toContain(
      "--noreplace 'dev-build/cmake' 'dev-lang/python:3.13' && ",
    );
    expect(installScript('apt', ['cmake/bookworm-backports'])).toContain("install -y 'cmake/bookworm-backports' && ");
    for (const bad of ['/usr/bin/cmake', 'dev-build/cmake;id', '>=dev-build/cmake-3']) {
      expect(caught(() => installScript('emerge', [bad])).code, bad).toBe('BAD_PACKAGE_NAME');
    }
  });

  it('drops blank names and duplicates, and returns nothing when nothing is left', () => {
    expect(installScript('apk', ['make', ' ', '', 'make', 'gcc'])).toBe("apk add --no-cache 'make' 'gcc'");
    expect(installScript('apt', [''])).toBe('');
    expect(installScript('none', [])).toBe('');
  });

  it('rejects a name a package manager would not accept, naming it', () => {
    for (const bad of ['make; rm -rf /', '-y', '$(id)', "it's", '~user']) {
      const e = caught(() => installScript('apt', ['ok', bad]));
      expect(e.code).toBe('BAD_PACKAGE_NAME');
      expect(e.exit).toBe(2);
      expect(e.message).toBe(`"${bad.trim()}" is not a package name`);
    }
  });

  it('refuses to install anything on a distro without a package manager', () => {
    const e = caught(() => installScript('none', ['make', 'gcc']));
    expect(e.code).toBe('NO_PACKAGE_MANAGER');
    expect(e.message).toBe('cannot install make, gcc: this distro has no package manager');
  });
});

// The commands as the distro's /bin/sh runs them (dash here, as on Void and Debian; bash on Gentoo): a syntax
// check of every one, and the install part of emerge's and xbps's run against stand-ins that log their
// arguments, so that the order of the steps, the quoting and the stop at the first failure are the shell's
// doing, not an assumption. The clean is never run here: it would remove the host's own directories.
describe('the install commands in a shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmx-pm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'calls.log');
  // Each stand-in logs its name and arguments, one call a line, and exits with FAIL_CODE when it is
  // FAIL_PROGRAM and its arguments, joined by spaces, are FAIL_ARGS.
  for (const name of ['emerge', 'emerge-webrsync', 'xbps-install']) {
    const file = join(dir, name);
    writeFileSync(
      file,
      `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\n` +
        `[ "$*" = "$FAIL_ARGS" ] && [ "$FAIL_PROGRAM" = '${name}' ] && exit "$FAIL_CODE"\nexit 0\n`,
    );
    chmodSync(file, 0o755);
  }
  const run = (script: string, fail?: { program: string; args: string; code: number }) => {
    rmSync(log, { force: true });
    const r = spawnSync('/bin/sh', ['-c', script], {
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        ...(fail && { FAIL_PROGRAM: fail.program, FAIL_ARGS: fail.args, FAIL_CODE: String(fail.code) }),
      },
      encoding: 'utf8',
    });
    return { status: r.status, calls: existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : [] };
  };
  const install = (pm: PackageManagerName, names: string[]) =>
    packageManagers[pm].install.replace('{packages}', names.map((n) => `'${n}'`).join(' '));

  it.each(Object.keys(packageManagers) as PackageManagerName[])('%s: the whole command parses', (pm) => {
    const script = pm === 'none' ? '' : installScript(pm, ['gcc', 'dev-build/cmake'], { recommends: false });
    const r = spawnSync('/bin/sh', ['-n', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('xbps: updates xbps, then the system, then installs the names as given', () => {
    expect(run(install('xbps', ['gcc', 'libstdc++-devel']))).toEqual({
      status: 0,
      calls: ['xbps-install -Syu xbps', 'xbps-install -yu', 'xbps-install -y gcc libstdc++-devel'],
    });
  });

  it("xbps: stops where a step fails, with that step's exit status", () => {
    expect(run(install('xbps', ['gcc']), { program: 'xbps-install', args: '-Syu xbps', code: 16 })).toEqual({
      status: 16,
      calls: ['xbps-install -Syu xbps'],
    });
    expect(run(install('xbps', ['nope']), { program: 'xbps-install', args: '-y nope', code: 2 }).status).toBe(2);
  });

  // This host has no Gentoo repository (the test would say so rather than pass for another reason).
  it('emerge: without a repository, fetches the snapshot, then emerges from the binary host', () => {
    expect(existsSync('/var/db/repos/gentoo/metadata/timestamp.x')).toBe(false);
    expect(run(install('emerge', ['sys-devel/gcc', 'dev-lang/python:3.13']))).toEqual({
      status: 0,
      calls: [
        'emerge-webrsync --quiet',
        'emerge --ask=n --color=n --nospinner --quiet-build=y --getbinpkg=y --noreplace sys-devel/gcc dev-lang/python:3.13',
      ],
    });
  });

  it('emerge: a snapshot that cannot be fetched stops the install', () => {
    expect(run(install('emerge', ['sys-devel/gcc']), { program: 'emerge-webrsync', args: '--quiet', code: 1 })).toEqual(
      {
        status: 1,
        calls: ['emerge-webrsync --quiet'],
      },
    );
  });
});
