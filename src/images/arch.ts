// Catalogs and hosts spell architectures differently (x86_64, amd64, x64); mmdebstrap wants Debian's names.
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

export function debianArch(arch: string | undefined): string {
  const a = arch && arch !== 'host' ? arch : process.arch;
  return DEBIAN[a] ?? a;
}
