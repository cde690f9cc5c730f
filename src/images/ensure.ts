import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DistroEntry, SourceSpec } from '../catalog/types.js';
import { markUsed, type Store } from '../store/index.js';
import type { ImageMeta } from '../store/types.js';
import { envError, isVmError, usageError, type VmError } from '../util/errors.js';
import { stableJson } from '../util/hash.js';
import type { Logger } from '../util/log.js';
import { planBusybox } from './busybox-source.js';
import { planGentoo } from './gentoo.js';
import { planLxc } from './lxc.js';
import { planMmdebstrap } from './mmdebstrap.js';
import { planOci } from './oci/source.js';
import { describeSource, type ImageProgress, type Planner, type SourceContext, type SourcePlan } from './source.js';
import { planTarball } from './tarball.js';
import { planVoid } from './void.js';

export interface ImageRef {
  id: string;
  rootfs: string;
  meta: ImageMeta;
  /** False when this call built it. */
  cached: boolean;
}

export interface EnsureOptions {
  log: Logger;
  onProgress?: ImageProgress;
  offline?: boolean;
}

const PLANNERS: { [K in SourceSpec['kind']]: Planner<Extract<SourceSpec, { kind: K }>> } = {
  tarball: planTarball,
  mmdebstrap: planMmdebstrap,
  busybox: planBusybox,
  oci: planOci,
  lxc: planLxc,
  gentoo: planGentoo,
  void: planVoid,
};

/**
 * The image of `distro`, from the store or built from the first of its sources that works. A source
 * failing for environmental reasons (network, checksum, missing program) makes us try the next one.
 */
export async function ensureImage(store: Store, distro: DistroEntry, opts: EnsureOptions): Promise<ImageRef> {
  if (distro.sources.length === 0)
    throw usageError('NO_IMAGE_SOURCE', `${distro.file}: ${distro.name} lists no image sources`);
  const ctx: SourceContext = {
    store,
    distro,
    log: opts.log,
    offline: opts.offline ?? false,
    progress: (e) => opts.onProgress?.({ distro: distro.name, ...e }),
  };
  const failures: Array<{ spec: SourceSpec; error: VmError }> = [];
  for (const spec of distro.sources) {
    try {
      const ref = await store.writing(`getting the image of ${distro.name}`, () => fromSource(spec, ctx));
      await markUsed(store.imageDir(ref.id)); // for `vmatrix image prune --older-than`
      return ref;
    } catch (e) {
      // A full store fails every source alike: say so at once rather than download the next one.
      if (!isVmError(e) || e.exit !== 3 || e.code === 'STORE_FULL') throw e;
      opts.log.info(`${distro.name}: ${describeSource(spec)}: ${e.message}`);
      failures.push({ spec, error: e });
    }
  }
  // Offline, a source that needs the network is not broken: say the one thing that helps.
  if (opts.offline && failures.some((f) => f.error.code === 'OFFLINE')) {
    throw envError('OFFLINE', `offline: ${distro.name} is not in the store; run without --offline once`, {
      cause: allFailed(distro, failures),
    });
  }
  throw allFailed(distro, failures);
}

async function fromSource(spec: SourceSpec, ctx: SourceContext): Promise<ImageRef> {
  let plan: SourcePlan;
  try {
    plan = await (PLANNERS[spec.kind] as Planner<SourceSpec>)(spec, ctx);
  } catch (e) {
    // The id could not be worked out (a checksum list unreachable, offline): an image built earlier from
    // the very same source is better than no image.
    // Not when the index came but its signature is missing or wrong: that is a refusal, not an outage.
    const unreachable = isVmError(e) && e.exit === 3 && !e.code.startsWith('SIGNATURE_');
    const previous = unreachable ? await latestFromSameSource(spec, ctx) : undefined;
    if (!previous) throw e;
    // Announced on the progress output, not only in the log: the run uses an image the upstream index did
    // not confirm is still the newest (or still listed at all).
    const message =
      `reusing image ${previous.id} built ${previous.meta.created}, because the upstream index could ` +
      `not be reached: ${(e as Error).message}`;
    ctx.log.info(`${ctx.distro.name}: ${message}`);
    ctx.progress({ phase: 'done', message });
    return previous;
  }
  const hit = await cached(ctx.store, plan.id);
  if (hit) return hit;
  // Callers re-check inside the lock: a second process building the same id waits, then finds it.
  return ctx.store.withLock(
    `image-${plan.id}`,
    async () => (await cached(ctx.store, plan.id)) ?? build(spec, plan, ctx),
    {
      onWait: (h) =>
        ctx.progress({ phase: 'build', message: `waiting for process ${h.pid}, which is building image ${plan.id}` }),
    },
  );
}

async function build(spec: SourceSpec, plan: SourcePlan, ctx: SourceContext): Promise<ImageRef> {
  const { store, distro } = ctx;
  // A dir without readable image.json is not an image (someone edited the store): make way for a good one.
  await rm(store.imageDir(plan.id), { recursive: true, force: true });
  return store.inStaging(`image-${plan.id}`, async (staging) => {
    const rootfs = join(staging, 'rootfs');
    await mkdir(rootfs, { mode: 0o755 });
    const built = await plan.build(rootfs, staging);
    const meta: ImageMeta = {
      id: plan.id,
      distro: distro.name,
      release: distro.release,
      arch: distro.arch,
      source: spec,
      ...(built.digest ? { digest: built.digest } : {}),
      size: built.size,
      created: new Date().toISOString(),
    };
    await writeFile(join(staging, 'image.json'), `${JSON.stringify(meta, null, 2)}\n`);
    await store.commitDir(staging, store.imageDir(plan.id));
    ctx.progress({ phase: 'done', message: `image ${plan.id} ready (${(meta.size / 1e6).toFixed(0)} MB)` });
    return { id: plan.id, rootfs: store.imageRootfs(plan.id), meta, cached: false };
  });
}

async function cached(store: Store, id: string): Promise<ImageRef | undefined> {
  if (!existsSync(join(store.imageDir(id), 'image.json'))) return undefined;
  const meta = await store.readImage(id);
  return meta && { id, rootfs: store.imageRootfs(id), meta, cached: true };
}

async function latestFromSameSource(spec: SourceSpec, ctx: SourceContext): Promise<ImageRef | undefined> {
  const key = stableJson(spec);
  // The same arch too: one spec (lxc, oci) names an image per architecture.
  const same = (await ctx.store.listImages()).filter(
    (m) => m.distro === ctx.distro.name && m.arch === ctx.distro.arch && stableJson(m.source) === key,
  );
  const meta = same.at(-1);
  return meta && { id: meta.id, rootfs: ctx.store.imageRootfs(meta.id), meta, cached: true };
}

function allFailed(distro: DistroEntry, failures: Array<{ spec: SourceSpec; error: VmError }>): VmError {
  // One source: its own error (code, hint) says it best.
  if (failures.length === 1) {
    const { error } = failures[0];
    return envError(error.code, `${distro.name}: ${error.message}`, { hint: error.hint, cause: error });
  }
  const lines = failures.map((f) => `  - ${describeSource(f.spec)}: ${f.error.message}`);
  return envError('IMAGE_UNAVAILABLE', `no source of ${distro.name} worked:\n${lines.join('\n')}`, {
    hint: 'run `vmatrix doctor` to check the host, or try again when the network is back',
    cause: new AggregateError(failures.map((f) => f.error)),
  });
}
