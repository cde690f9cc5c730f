import { describe, expect, it } from 'vitest';
import type { PackageManagerName } from '../../../src/catalog/index.js';
import { installScript, packageManagers } from '../../../src/catalog/package-managers.js';
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

// The exact command each family runs, as the distro's own install command would by default (weak
// dependencies included), and with `install_recommends: false` (its option that leaves them out).
const FAMILIES: Array<{ pm: PackageManagerName; recommends: string; without: string }> = [
  {
    pm: 'apt',
    recommends:
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y 'gcc' 'libc6-dev' && apt-get clean && rm -rf /var/lib/apt/lists/*",
    without:
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends 'gcc' 'libc6-dev' && apt-get clean && rm -rf /var/lib/apt/lists/*",
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

  it('quotes every name', () => {
    expect(installScript('apt', ['make', 'g++', 'libc6-dev:amd64'], { recommends: false })).toBe(
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends 'make' 'g++' 'libc6-dev:amd64'" +
        ' && apt-get clean && rm -rf /var/lib/apt/lists/*',
    );
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
