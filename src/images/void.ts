import type { SourceSpec } from '../catalog/types.js';
import { envError, usageError } from '../util/errors.js';
import { debianArch } from '../util/arch.js';
import { artifactSize, fetchText, type OpenOptions } from './download.js';
import { checksumEntries } from './sha256sums.js';
import { PROBE_RETRY, sizeText, type Planner, type Prober } from './source.js';
import { planTarball } from './tarball.js';

type VoidSpec = Extract<SourceSpec, { kind: 'void' }>;

// A Void Linux root from the live images: `<mirror>/live/current/` holds the newest release's files (the
// directory the LXC images are built from: https://github.com/lxc/lxc-ci, images/voidlinux.yaml, read by
// https://github.com/lxc/distrobuilder, sources/voidlinux-http.go), named
// `void-<arch>[-musl]-ROOTFS-<YYYYMMDD>.tar.xz` (void-mklive's Makefile: ALL_ROOTFS), and their
// sha256sum.txt in BSD tag lines (`SHA256 (<file>) = <hex>`, see sha256sums.ts). The list is read first: it
// names the file (no directory listing to scrape) and gives its sha256, and from there on it is a tarball.
// Void signs sha256sum.txt with minisign (sha256sum.sig, a key per release: void-mklive's release.sh), not
// OpenPGP, so signature.ts cannot check it; the list comes over the mirror's https.

/** Void's name for a Debian-style architecture, for the two vmatrix has entries for. */
export function voidArch(debian: string): string | undefined {
  return ({ amd64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[debian];
}

/** The newest `void-<arch>-ROOTFS-<date>.tar.xz` a sha256sum.txt lists, with its sha256. */
export function newestRootfs(sums: string, arch: string): { file: string; sha256: string } | undefined {
  const pattern = new RegExp(`^void-${arch.replace(/[^a-z0-9_-]/g, '')}-ROOTFS-(\\d{8})\\.tar\\.xz$`);
  return checksumEntries(sums)
    .filter((e) => pattern.test(e.file))
    .sort((a, b) => a.file.localeCompare(b.file))
    .at(-1);
}

export const planVoid: Planner<VoidSpec> = async (spec, ctx) => {
  const base = voidArch(debianArch(ctx.distro.arch));
  if (!base) {
    throw usageError('UNSUPPORTED_ARCH', `${ctx.distro.name}: no Void ROOTFS for ${ctx.distro.arch} in vmatrix`, {
      hint: 'use --arch amd64 or --arch arm64',
    });
  }
  if (ctx.offline)
    throw envError('OFFLINE', `${voidList(spec)} is needed to know which root to use, and we are offline`);
  const rootfs = await newestVoidRootfs(spec, base);
  const dir = voidDir(spec);
  ctx.log.debug(`${ctx.distro.name}: ${rootfs.file} from ${dir}`);
  return planTarball({ kind: 'tarball', url: `${dir}${rootfs.file}`, sha256: rootfs.sha256 }, ctx);
};

function voidDir(spec: VoidSpec): string {
  return `${spec.mirror.replace(/\/+$/, '')}/live/current/`;
}
function voidList(spec: VoidSpec): string {
  return `${voidDir(spec)}sha256sum.txt`;
}

/** The newest ROOTFS for Void's `base` arch (and the spec's libc) that the mirror's sha256sum.txt lists. */
export async function newestVoidRootfs(
  spec: VoidSpec,
  base: string,
  o: OpenOptions = {},
): Promise<{ file: string; sha256: string; url: string }> {
  const arch = spec.libc === 'musl' ? `${base}-musl` : base;
  const list = voidList(spec);
  const rootfs = newestRootfs(await fetchText(list, 1 << 20, o), arch);
  if (!rootfs) {
    throw envError('CHECKSUM_NOT_LISTED', `${list} lists no void-${arch}-ROOTFS-<date>.tar.xz`, {
      hint: 'the release may be in the middle of an upload; try again later or use another mirror',
    });
  }
  return { ...rootfs, url: `${voidDir(spec)}${rootfs.file}` };
}

/** --check: sha256sum.txt lists a ROOTFS for the arch and libc, and a HEAD of it. */
export const probeVoid: Prober<VoidSpec> = async (spec, distro) => {
  const base = voidArch(debianArch(distro.arch));
  if (!base) throw usageError('UNSUPPORTED_ARCH', `${distro.name}: no Void ROOTFS for ${distro.arch} in vmatrix`);
  const rootfs = await newestVoidRootfs(spec, base, { retry: PROBE_RETRY });
  const size = await artifactSize(rootfs.url, { retry: PROBE_RETRY });
  return { checked: `sha256sum.txt lists ${rootfs.file}, ${sizeText(size)}`, notes: [] };
};
