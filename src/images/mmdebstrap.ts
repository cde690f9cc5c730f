import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { extractTar, programOutput } from '../archive/index.js';
import type { DistroEntry, SourceSpec } from '../catalog/types.js';
import { stanzaFields } from './apt-mirror.js';
import { clearsignedBody } from './clearsigned.js';
import { fetchText } from './download.js';
import { envError } from '../util/errors.js';
import { hashOf, shortId } from '../util/hash.js';
import { supportStatus } from '../catalog/status.js';
import { chooseDebianMirror, mirrorCandidates } from './debian-archive.js';
import { debianArch } from '../util/arch.js';
import { takeCache } from '../store/index.js';
import { IMAGE_FORMAT, PROBE_RETRY, type Built, type Planner, type Prober, type SourceContext } from './source.js';
import { rootlessMode } from '../util/user-namespace.js';

type MmdebstrapSpec = Extract<SourceSpec, { kind: 'mmdebstrap' }>;

interface Resolved {
  suite: string;
  variant: string;
  components: string[];
  mirror: string;
  arch: string;
}

// A Debian (or Ubuntu) root built by mmdebstrap from a mirror. mmdebstrap writes a tar to stdout, which
// goes through our own extractor like any downloaded tarball: one code path decides what lands on disk.

export const planMmdebstrap: Planner<MmdebstrapSpec> = async (spec, ctx) => {
  const withMirror = (mirror: string): Resolved => ({
    suite: spec.suite,
    variant: spec.variant ?? 'minbase',
    components: spec.components ?? ['main'],
    mirror,
    arch: debianArch(ctx.distro.arch),
  });
  let r = withMirror(spec.mirror ?? '');
  if (!spec.mirror) {
    const candidates = await mirrorCandidates();
    r = withMirror(candidates.regular);
    // An EOL release falls back to an archive mirror once the regular one has dropped its suite; an image
    // already built from the regular mirror is used as it is, without asking the network.
    const eol = supportStatus(ctx.distro, new Date()).state === 'eol';
    if (eol && !existsSync(join(ctx.store.imageDir(idOf(r)), 'image.json')))
      r = withMirror(await chooseDebianMirror(spec.suite, { eol, offline: ctx.offline, candidates }));
  }
  return { id: idOf(r), build: (rootfs) => build(r, rootfs, ctx) };
};

const idOf = (r: Resolved): string => shortId(hashOf({ kind: 'mmdebstrap', ...r, format: IMAGE_FORMAT }));

/** The mirror a new build would use: the spec's, else the regular one, or for an EOL release an archive one. */
function mmdebstrapMirror(spec: MmdebstrapSpec, distro: DistroEntry, offline: boolean): Promise<string> {
  if (spec.mirror) return Promise.resolve(spec.mirror);
  return mirrorCandidates().then((candidates) =>
    chooseDebianMirror(spec.suite, { eol: supportStatus(distro, new Date()).state === 'eol', offline, candidates }),
  );
}

/**
 * --check: `dists/<suite>/Release` on the mirror the build would use (https://wiki.debian.org/DebianRepository/Format),
 * whose Architectures field must list the arch. Nothing is built.
 */
export const probeMmdebstrap: Prober<MmdebstrapSpec> = async (spec, distro) => {
  const mirror = await mmdebstrapMirror(spec, distro, false);
  const dists = new URL(`dists/${encodeURIComponent(spec.suite)}/`, mirror.endsWith('/') ? mirror : `${mirror}/`);
  // Release, else InRelease (the same fields, clearsigned): a mirror may carry only one of them.
  const read = (file: string) => fetchText(new URL(file, dists).href, 16 << 20, { retry: PROBE_RETRY });
  let release = new URL('Release', dists);
  let text: string;
  try {
    text = await read('Release');
  } catch (e) {
    const inRelease = await read('InRelease').catch(() => undefined);
    if (inRelease === undefined) throw e;
    release = new URL('InRelease', dists);
    text = clearsignedBody(inRelease);
  }
  const fields = stanzaFields(text.split(/\n[ \t]*\n/)[0]);
  const arch = debianArch(distro.arch);
  const arches = (fields.get('architectures') ?? '').split(/\s+/).filter(Boolean);
  if (!arches.includes(arch)) {
    throw envError(
      'SUITE_LACKS_ARCH',
      `${release.href} lists no ${arch} (Architectures: ${arches.join(' ') || 'none'})`,
      {
        hint: 'use another --arch, or a mirror that carries it',
      },
    );
  }
  const name = fields.get('codename') ?? fields.get('suite') ?? spec.suite;
  return { checked: `${release.href}: ${name} has ${arch}`, notes: [] };
};

/**
 * The hooks that share `cache` (a dir of .debs in the store) with the build's /var/cache/apt/archives, as
 * mmdebstrap(1) EXAMPLES shows: sync-in before the download, sync-out once everything is installed, and
 * --skip=essential/unlink so that the Essential packages' .debs are still there to sync out. The cleanup
 * step after the customize hooks empties the archives again, so the tar holds no .deb (mmdebstrap(1),
 * "cleanup"). apt takes a .deb found there only when its hash matches the signed index.
 */
export function cacheHooks(cache: string): string[] {
  return [
    '--skip=essential/unlink',
    '--setup-hook=mkdir -p "$1"/var/cache/apt/archives/',
    `--setup-hook=sync-in ${cache} /var/cache/apt/archives/`,
    `--customize-hook=sync-out /var/cache/apt/archives ${cache}`,
  ];
}

/** mmdebstrap splits a special hook's arguments at spaces: a cache only at a path without any, or quotes. */
const HOOK_SAFE_PATH = /^\/[A-Za-z0-9/_.+-]+$/;

export function mmdebstrapArgs(r: Resolved, asRoot: boolean, cache?: string): string[] {
  return [
    ...(cache && HOOK_SAFE_PATH.test(cache) ? cacheHooks(cache) : []),
    `--variant=${r.variant}`,
    // Without root, mmdebstrap builds in a user namespace (of its own, or of a rootless vmatrix's).
    `--mode=${asRoot ? 'root' : 'unshare'}`,
    `--arch=${r.arch}`,
    `--components=${r.components.join(',')}`,
    '--format=tar',
    // The suite and mirror come from catalogs, a project's among them: never read as options.
    '--',
    r.suite,
    '-',
    r.mirror,
  ];
}

async function build(r: Resolved, rootfs: string, ctx: SourceContext): Promise<Built> {
  if (ctx.offline)
    throw envError('OFFLINE', `building ${r.suite} with mmdebstrap needs the mirror ${r.mirror}, and we are offline`);
  ctx.progress({
    phase: 'build',
    message: `building ${r.suite} (${r.variant}, ${r.arch}) with mmdebstrap from ${r.mirror}`,
  });
  // Its progress output is noise on success; on failure the tail of it is the error message.
  // The .debs of this suite and arch, shared by every build of it (store/caches.ts): a busy cache (another
  // build of the same suite at this moment) means a build without it.
  const cache =
    process.env.VMATRIX_PACKAGE_CACHE === 'off' || process.env.VMATRIX_PACKAGE_CACHE === '0'
      ? undefined
      : await takeCache(ctx.store, `mmdebstrap-${r.suite}-${r.arch}`.replace(/[^A-Za-z0-9._-]/g, '_'));
  try {
    return await run(r, rootfs, ctx, cache?.data);
  } finally {
    await cache?.release();
  }
}

async function run(r: Resolved, rootfs: string, ctx: SourceContext, cache: string | undefined): Promise<Built> {
  // Root of the host builds in root mode; anyone else, root of a rootless vmatrix's user namespace included,
  // in unshare mode (in a namespace, mmdebstrap then makes its own PID and mount namespaces and mounts a /proc
  // of its own, where root mode could only bind the host's).
  const asRoot = process.getuid?.() === 0 && (await rootlessMode()) === undefined;
  const tar = programOutput('mmdebstrap', mmdebstrapArgs(r, asRoot, cache), {
    errorCode: 'MMDEBSTRAP_FAILED',
    what: `mmdebstrap ${r.suite} from ${r.mirror}`,
    missingHint: 'install it: apt-get install mmdebstrap',
    stderrBytes: 4000,
    killSignal: 'SIGTERM',
    ownGroup: true,
  });
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  tar.on('error', (e) => tap.destroy(e));
  tap.on('close', () => tar.destroy());
  const result = await extractTar(tar.pipe(tap), rootfs, {
    onProgress: (p) => ctx.progress({ phase: 'extract', bytes: p.bytes }),
  });
  return { digest: hash.digest('hex'), size: result.bytes };
}
