import { describe, expect, it } from 'vitest';
import { installScript, packageManagers } from '../../../src/catalog/package-managers.js';
import { VmError } from '../../../src/util/errors.js';

function caught(fn: () => unknown): VmError {
  try { fn(); } catch (e) { if (e instanceof VmError) return e; throw e; }
  throw new Error('expected an error');
}

describe('installScript', () => {
  it('installs with apt, quoting every name, then cleans the lists', () => {
    expect(installScript('apt', ['make', 'g++', 'libc6-dev:amd64'])).toBe(
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends 'make' 'g++' 'libc6-dev:amd64'"
      + ' && apt-get clean && rm -rf /var/lib/apt/lists/*',
    );
  });

  it('has one install/clean pair per package manager', () => {
    expect(installScript('apk', ['make'])).toBe("apk add --no-cache 'make'");
    expect(installScript('dnf', ['make'])).toBe("dnf install -y --setopt=install_weak_deps=False 'make' && dnf clean all");
    expect(installScript('pacman', ['make'])).toBe("pacman -Syu --noconfirm --needed 'make' && rm -rf /var/cache/pacman/pkg/* /var/lib/pacman/sync/*");
    expect(installScript('zypper', ['make'])).toBe("zypper --non-interactive install --no-recommends 'make' && zypper clean -a");
    expect(installScript(packageManagers.dnf, ['python3.12'])).toBe("dnf install -y --setopt=install_weak_deps=False 'python3.12' && dnf clean all");
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
