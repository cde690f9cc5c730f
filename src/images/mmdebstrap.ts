import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { extractTar, programOutput } from '../archive/index.js';
import type { SourceSpec } from '../catalog/types.js';
import { envError } from '../util/errors.js';
import { hashOf, shortId } from '../util/hash.js';
import { hostDebianMirror } from './apt-mirror.js';
import { debianArch } from '../util/arch.js';
import { IMAGE_FORMAT, type Built, type Planner, type SourceContext } from './source.js';

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
  const r: Resolved = {
    suite: spec.suite,
    variant: spec.variant ?? 'minbase',
    components: spec.components ?? ['main'],
    mirror: spec.mirror ?? process.env.VMATRIX_DEBIAN_MIRROR ?? (await hostDebianMirror()),
    arch: debianArch(ctx.distro.arch),
  };
  return {
    id: shortId(hashOf({ kind: 'mmdebstrap', ...r, format: IMAGE_FORMAT })),
    build: (rootfs) => build(r, rootfs, ctx),
  };
};

export function mmdebstrapArgs(r: Resolved, asRoot: boolean): string[] {
  return [
    `--variant=${r.variant}`,
    // Without root, mmdebstrap builds in a user namespace; our extraction then keeps no owners or devices.
    `--mode=${asRoot ? 'root' : 'unshare'}`,
    `--arch=${r.arch}`,
    `--components=${r.components.join(',')}`,
    '--format=tar',
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
  const tar = programOutput('mmdebstrap', mmdebstrapArgs(r, process.getuid?.() === 0), {
    errorCode: 'MMDEBSTRAP_FAILED',
    what: `mmdebstrap ${r.suite} from ${r.mirror}`,
    missingHint: 'install it: apt-get install mmdebstrap',
    stderrBytes: 4000,
    killSignal: 'SIGTERM',
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
