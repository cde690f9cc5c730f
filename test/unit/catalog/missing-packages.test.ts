import { describe, expect, it } from 'vitest';
import { installSummary, missingPackages } from '../../../src/catalog/package-managers.js';
import type { PackageManagerName } from '../../../src/catalog/types.js';

// What each package manager prints when a package does not exist, as its install step leaves it in a setup
// log (apt's from a real Debian 12 and 13 cell; the others as their current releases word it, emerge's and
// xbps-install's as the source that prints them, cited below, words it), and output of failures that are not
// about a missing name, which must name nothing.

const logs: Record<Exclude<PackageManagerName, 'none'>, Array<{ what: string; log: string; missing: string[] }>> = {
  apt: [
    {
      what: 'a name apt has never heard of',
      missing: ['definitely-not-a-package-xyz'],
      log: `+ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends 'gcc' 'definitely-not-a-package-xyz'
Get:1 http://mirror.example/debian bookworm InRelease [151 kB]
Get:2 http://mirror.example/debian bookworm/main amd64 Packages [8790 kB]
Fetched 15.0 MB in 2s (8806 kB/s)
Reading package lists...
Reading package lists...
Building dependency tree...
Reading state information...
E: Unable to locate package definitely-not-a-package-xyz
`,
    },
    {
      what: 'a package only referred to by others',
      missing: ['mysql-server'],
      log: `Reading package lists...
Building dependency tree...
Reading state information...
Package mysql-server is not available, but is referred to by another package.
This may mean that the package is missing, has been obsoleted, or
is only available from another source

E: Package 'mysql-server' has no installation candidate
`,
    },
    {
      what: 'a name taken for a glob and a regex (apt 3, Debian 13), named once',
      missing: ['nothing-xyz*'],
      log: `Reading state information...
E: Unable to locate package nothing-xyz*
E: Couldn't find any package by glob 'nothing-xyz*'
E: Couldn't find any package by regex 'nothing-xyz*'
`,
    },
    {
      what: 'a mirror that cannot be reached',
      missing: [],
      log: `Err:1 http://mirror.example/debian bookworm InRelease
  Temporary failure resolving 'mirror.example'
W: Failed to fetch http://mirror.example/debian/dists/bookworm/InRelease  Temporary failure resolving 'mirror.example'
W: Some index files failed to download. They have been ignored, or old ones used instead.
E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?
`,
    },
  ],
  apk: [
    {
      what: 'two names apk does not have',
      missing: ['libfoo-dev', 'definitely-not-a-package-xyz'],
      log: `+ apk add --no-cache 'gcc' 'libfoo-dev' 'definitely-not-a-package-xyz'
fetch https://mirror.example/alpine/v3.20/main/x86_64/APKINDEX.tar.gz
fetch https://mirror.example/alpine/v3.20/community/x86_64/APKINDEX.tar.gz
ERROR: unable to select packages:
  libfoo-dev (no such package):
    required by: world[libfoo-dev]
  definitely-not-a-package-xyz (no such package):
    required by: world[definitely-not-a-package-xyz]
`,
    },
    {
      what: 'required by on the same line',
      missing: ['iptables-nft'],
      log: `ERROR: unable to select packages:
  iptables-nft (no such package): required by world[iptables-nft]
`,
    },
    {
      what: 'a conflict, not a missing name',
      missing: [],
      log: `ERROR: unable to select packages:
  busybox-1.36.1-r29:
    conflicts: busybox-binsh-1.36.1-r29[/bin/sh=1.36.1-r29]
    satisfies: world[busybox]
`,
    },
  ],
  dnf: [
    {
      what: 'dnf 4 (Rocky 9, Fedora 40)',
      missing: ['definitely-not-a-package-xyz'],
      log: `+ dnf install -y --setopt=install_weak_deps=False 'gcc' 'definitely-not-a-package-xyz' && dnf clean all
Rocky Linux 9 - BaseOS                          2.1 MB/s | 2.3 MB     00:01
Last metadata expiration check: 0:00:02 ago on Tue Nov 24 10:00:01 2026.
No match for argument: definitely-not-a-package-xyz
Error: Unable to find a match: definitely-not-a-package-xyz
`,
    },
    {
      what: 'dnf 5 (Fedora 41 and later)',
      missing: ['libfoo-dev'],
      log: `Updating and loading repositories:
 Fedora 41 - x86_64                     100% |  12.1 MiB/s |  35.4 MiB |  00m03s
Repositories loaded.
Failed to resolve the transaction:
No match for argument: libfoo-dev
You can try to add to command line:
  --skip-unavailable to skip unavailable packages
`,
    },
    {
      what: 'a dependency problem',
      missing: [],
      log: `Failed to resolve the transaction:
Problem: conflicting requests
  - nothing provides libtidy.so.5()(64bit) needed by mailspring-1.17.0-0.1.x86_64 from @commandline
`,
    },
  ],
  zypper: [
    {
      what: 'a name looked up as a capability (Leap 15.6)',
      missing: ['libfoo-dev'],
      log: `+ zypper --non-interactive install --no-recommends 'libfoo-dev' && zypper clean -a
Loading repository data...
Reading installed packages...
'libfoo-dev' not found in package names. Trying capabilities.
No provider of 'libfoo-dev' found.
Resolving package dependencies...

Nothing to do.
`,
    },
    {
      what: 'a name looked up by name only',
      missing: ['definitely-not-a-package-xyz'],
      log: `Loading repository data...
Reading installed packages...
Package 'definitely-not-a-package-xyz' not found.
`,
    },
    {
      what: 'a capability another package provides',
      missing: [],
      log: `'npm' not found in package names. Trying capabilities.
'npm20' providing 'npm' is already installed.
Resolving package dependencies...
Nothing to do.
`,
    },
  ],
  pacman: [
    {
      what: 'a target the sync databases lack',
      missing: ['definitely-not-a-package-xyz'],
      log: `+ pacman -Syu --noconfirm --needed 'gcc' 'definitely-not-a-package-xyz' && rm -rf /var/cache/pacman/pkg/* /var/lib/pacman/sync/*
:: Synchronizing package databases...
 core downloading...
 extra downloading...
error: target not found: definitely-not-a-package-xyz
`,
    },
    {
      what: 'a corrupt package',
      missing: [],
      log: `error: gcc: signature from "Someone <someone@example.invalid>" is unknown trust
:: File /var/cache/pacman/pkg/gcc-14.2.1-1-x86_64.pkg.tar.zst is corrupted (invalid or corrupted package (PGP signature)).
error: failed to commit transaction (invalid or corrupted package)
`,
    },
  ],
  // Gentoo: lib/_emerge/depgraph.py in github.com/gentoo/portage; Void: bin/xbps-install/transaction.c in
  // github.com/void-linux/xbps (0.60 and later prefix "ERROR: ", 0.59.1 did not).
  emerge: [
    {
      what: 'a bare name no category has, after the repository snapshot',
      missing: ['definitely-not-a-package-xyz'],
      log: `+ { [ -e /var/db/repos/gentoo/metadata/timestamp.x ] || emerge-webrsync --quiet; } && emerge --ask=n --color=n --nospinner --quiet-build=y --getbinpkg=y --noreplace 'sys-devel/gcc' 'definitely-not-a-package-xyz'
Calculating dependencies... done!

emerge: there are no ebuilds to satisfy "definitely-not-a-package-xyz".

emerge: searching for similar names... nothing similar found.
`,
    },
    {
      what: 'a category/name, and the binary-only wording',
      missing: ['dev-libs/libfoo', 'app-misc/bar'],
      log: `Calculating dependencies... done!

emerge: there are no ebuilds to satisfy "dev-libs/libfoo".
emerge: there are no binary packages to satisfy "app-misc/bar".
`,
    },
    {
      what: "a dependency's atom, masked packages, USE flags and an ambiguous name",
      missing: [],
      log: `emerge: there are no ebuilds to satisfy ">=dev-libs/libfoo-2.0".
(dependency required by "app-misc/bar-1.0::gentoo" [ebuild])
(dependency required by "app-misc/bar" [argument])

!!! All ebuilds that could satisfy "dev-lang/rust-bin" have been masked.
!!! One of the following masked packages is required to complete your request:
- dev-lang/rust-bin-9999::gentoo (masked by: missing keyword)

emerge: there are no ebuilds built with USE flags to satisfy "dev-libs/libxml2[icu]".

!!! The short ebuild name "make" is ambiguous. Please specify
!!! one of the following fully-qualified ebuild names instead:
`,
    },
  ],
  xbps: [
    {
      what: 'xbps 0.60: the first name it lacks (it stops there)',
      missing: ['definitely-not-a-package-xyz'],
      log: `+ xbps-install -Syu xbps && xbps-install -yu && xbps-install -y 'gcc' 'definitely-not-a-package-xyz' && rm -rf /var/cache/xbps/*
[*] Updating repository \`https://mirror.example/current/x86_64-repodata' ...
x86_64-repodata: 1661KB [avg rate: 2114KB/s]
Package 'xbps' is up to date.
ERROR: Package 'definitely-not-a-package-xyz' not found in repository pool.
`,
    },
    {
      what: 'xbps 0.59.1, without the prefix',
      missing: ['libfoo-devel'],
      log: `Package 'libfoo-devel' not found in repository pool.
`,
    },
    {
      what: 'an xbps update pending, and a package not installed',
      missing: [],
      log: `ERROR: The 'xbps' package must be updated, please run \`xbps-install -u xbps\`
ERROR: Package 'gcc' not installed.
`,
    },
  ],
};

describe('missingPackages', () => {
  for (const [pm, cases] of Object.entries(logs)) {
    for (const c of cases) {
      it(`${pm}: ${c.what}`, () => {
        expect(missingPackages(pm as PackageManagerName, c.log)).toEqual(c.missing);
      });
    }
  }

  it('reads lines as a terminal shows them: colour codes and what a carriage return overwrote left out', () => {
    expect(
      missingPackages('pacman', ' extra downloading...\r\u001b[1;31merror:\u001b[0m target not found: libfoo\r\n'),
    ).toEqual(['libfoo']);
  });

  it("never takes another manager's words, and a distro without one names nothing", () => {
    expect(missingPackages('dnf', logs.apt[0]!.log)).toEqual([]);
    expect(missingPackages('none', logs.apt[0]!.log)).toEqual([]);
  });
});

describe('installSummary', () => {
  it('names the install as people write it, with the packages', () => {
    expect(installSummary('apt', ['gcc', 'libfoo-dev', 'gcc', ' '])).toBe('apt-get install gcc libfoo-dev');
    expect(installSummary('apk', ['build-base'])).toBe('apk add build-base');
    expect(installSummary('dnf', ['gcc-c++'])).toBe('dnf install gcc-c++');
    expect(installSummary('pacman', ['base-devel'])).toBe('pacman -S base-devel');
    expect(installSummary('zypper', ['make'])).toBe('zypper install make');
    expect(installSummary('emerge', ['dev-build/cmake'])).toBe('emerge dev-build/cmake');
    expect(installSummary('xbps', ['base-devel'])).toBe('xbps-install base-devel');
  });
});
