// Architecture names: Node (process.arch), the kernel (uname -m) and users spell them differently; vmatrix
// spells them as Debian does everywhere (amd64, arm64, armhf, i386, ppc64el, s390x, riscv64). The one table.
const DEBIAN: Record<string, string> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv7l: 'armhf',
  armhf: 'armhf',
  arm: 'armhf',
  i386: 'i386',
  i686: 'i386',
  ia32: 'i386',
  ppc64le: 'ppc64el',
  ppc64el: 'ppc64el',
  ppc64: 'ppc64el',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** `arch` as Debian spells it; undefined or `host`: this host's. Names not in the table pass as written. */
export function debianArch(arch?: string): string {
  const a = arch && arch !== 'host' ? arch.trim().toLowerCase() : process.arch;
  return DEBIAN[a] ?? a;
}

/** The host's architecture, spelt as Debian and the catalog spell it. */
export function hostArch(): string {
  return debianArch(process.arch);
}

/** The architectures vmatrix runs cells of, as Debian spells them: what `arch:` in vmatrix.yml may name. */
export const ARCHES = ['amd64', 'i386', 'arm64', 'armhf', 'ppc64el', 's390x', 'riscv64'] as const;

/** Whether `arch` is one of ARCHES exactly as written (the config takes Debian's spelling only). */
export function isKnownArch(arch: string): boolean {
  return (ARCHES as readonly string[]).includes(arch);
}

/**
 * Why `arch` is not an arch a config may name, or undefined when it is: `aarch64 is arm64 in Debian's
 * spelling, which vmatrix uses` for the kernel's and other tools' names.
 */
export function archProblem(arch: string): string | undefined {
  if (isKnownArch(arch)) return undefined;
  const debian = DEBIAN[arch.trim().toLowerCase()];
  if (debian && debian !== arch)
    return `"${arch}" is ${debian} in Debian's spelling, which vmatrix uses: write ${debian}`;
  return `"${arch}" is no architecture vmatrix knows (it knows ${ARCHES.join(', ')})`;
}
