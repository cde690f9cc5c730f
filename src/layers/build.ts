import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { once } from 'node:events';
import type { DistroEntry } from '../catalog/types.js';
import type { ImageRef } from '../images/index.js';
import { markUsed, takeCache, type PackageCache, type Store } from '../store/index.js';
import { usesCache } from '../catalog/index.js';
import type { LayerMeta } from '../store/types.js';
import { exists } from '../util/fs.js';
import { hashOf, shortId } from '../util/hash.js';
import { treeSize } from '../util/tree.js';
import {
  CELL_PACKAGE_CACHE,
  runCell,
  setupNetwork,
  type CellResources,
  type IdMap,
  type Runtime,
} from '../vps/index.js';
import { LAYER_FORMAT, layerKey, namedFiles, type FileDigest, type LayerInputs, type Recipe } from './key.js';
import { setupFailed, setupSteps } from './failure.js';
import { setupView } from './view.js';
import { baseLayer, copyBase } from './base.js';
import { StepClock } from '../cell/step-clock.js';
import { cellSpec, stepArgs } from '../cell/index.js';
import { LogCap, logCap, settled } from '../cell/log-cap.js';

export { LAYER_FORMAT, type Recipe } from './key.js';

// The setup layer: packages installed with the distro's package manager, then the user's setup commands,
// run once in a cell with outbound network (vps/outbound.ts); the cell's upper dir is committed to the store as a layer
// that every cell of that distro+recipe stacks on. Its id covers everything that can change its content
// (key.ts).

export interface LayerRef {
  id: string;
  diff: string;
  cached: boolean;
  durationMs: number;
  logPath?: string;
}

export function recipeIsEmpty(r: Recipe): boolean {
  return r.packages.length === 0 && r.setup.length === 0;
}

/** What a layer is built from, as the run knows it; `layerInputs` turns it into what its id is a hash of. */
export interface LayerSource {
  image: ImageRef;
  distro: DistroEntry;
  recipe: Recipe;
  /** The project snapshot: files named in setup commands are read from it. */
  sourceTree: string;
  /** Where setup sees the project, and its working directory. */
  workdir: string;
  userns?: IdMap;
  /**
   * Rootless with fuse-overlayfs: its upper dirs mark whiteouts and opaque dirs its own way, which the kernel's
   * overlayfs does not read, so its layers are never shared with a kernel overlay's.
   */
  overlay?: 'userxattr' | 'fuse';
  /** The project files `setup_inputs` matched. */
  setupInputs?: Record<string, FileDigest>;
}

export async function layerInputs(s: LayerSource): Promise<LayerInputs> {
  return {
    format: LAYER_FORMAT,
    image: s.image.id,
    packageManager: s.distro.packageManager,
    ...s.recipe,
    workdir: s.workdir,
    files: await namedFiles(s.sourceTree, s.recipe.setup),
    setupInputs: s.setupInputs ?? {},
    // A layer built in a user namespace holds files owned by the host ids of that mapping.
    ...(s.userns ? { ids: { uid: s.userns.uid, gid: s.userns.gid } } : {}),
    ...(s.overlay === 'fuse' && { overlay: 'fuse' }),
  };
}

export interface LayerBuild extends Omit<LayerSource, 'userns' | 'overlay'> {
  store: Store;
  runtime: Runtime;
  logPath: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The setup cell's cgroup limits: the operator's ceilings, never the project's resources: (resources.ts). */
  resources?: CellResources;
  onProgress?: (message: string) => void;
  /** Paths in messages are shown relative to this directory (the project's). */
  displayRoot?: string;
  /**
   * `--rebuild`: build every layer whose id is not in this set yet, cached or not, and add its id, so that
   * a run rebuilds each layer once. The new layer replaces the old one under the same id.
   */
  rebuild?: Set<string>;
}

export async function ensureLayer(b: LayerBuild): Promise<LayerRef> {
  const inputs = await layerInputs({ ...b, userns: b.runtime.userns.map, overlay: b.runtime.overlay });
  const id = layerKey(inputs);
  const dir = b.store.layerDir(id);
  const hit = { id, diff: join(dir, 'diff'), cached: true, durationMs: 0 };
  const rebuild = b.rebuild !== undefined && !b.rebuild.has(id);
  b.rebuild?.add(id);
  if (!rebuild && (await exists(dir))) {
    await markUsed(dir); // for `vmatrix image prune --older-than`
    return hit;
  }
  return b.store.writing(`building setup layer ${id}`, () =>
    b.store.withLock(`layer-${id}`, async () => (!rebuild && (await exists(dir)) ? hit : build(b, id, inputs))),
  );
}

/**
 * The package cache a build shares (store/caches.ts), or none: when the manager has none, when there is
 * nothing to install, when another build holds it, or when the operator said VMATRIX_PACKAGE_CACHE=off.
 *
 * Its key is the package manager, distro and arch, and a hash of every input of the layer but its package
 * list: the image (a project's catalog can give a name an image of its own), the id mapping (the cache's
 * files belong to the cell's root), and the project-controlled code that runs while the cache is mounted
 * (setup commands, the files they read, env). Builds that differ only in their packages share a cache;
 * nothing a project runs can write into a cache that another project's different setup uses, which is
 * SAFETY 34 for caches: apt does not check an index it already holds when the signed Release lists the
 * same hash as before, so a written index would be trusted. A recipe of packages alone runs only the
 * image's package manager, so every project's recipe of packages alone on an image shares one cache.
 */
async function packageCache(b: LayerBuild, inputs: LayerInputs): Promise<PackageCache | undefined> {
  const off = process.env.VMATRIX_PACKAGE_CACHE === 'off' || process.env.VMATRIX_PACKAGE_CACHE === '0';
  if (off || !usesCache(b.distro.packageManager) || b.recipe.packages.length === 0) return undefined;
  const { packages, installRecommends, ...rest } = inputs;
  const key = `${b.distro.packageManager}-${b.distro.name}-${b.distro.arch}-${shortId(hashOf(rest))}`.replace(
    /[^A-Za-z0-9._-]/g,
    '_',
  );
  const map = b.runtime.userns.map;
  return takeCache(b.store, key, map && { uid: map.uid, gid: map.gid });
}

async function build(b: LayerBuild, id: string, inputs: LayerInputs): Promise<LayerRef> {
  const cache = await packageCache(b, inputs);
  // `--rebuild` is asked for when a layer is suspect: it starts from the image, never from another layer.
  const base = b.rebuild ? undefined : await baseLayer(b.store, id, inputs);
  try {
    return await buildWith(b, id, inputs, cache, base);
  } finally {
    await cache?.release();
  }
}

async function buildWith(
  b: LayerBuild,
  id: string,
  inputs: LayerInputs,
  cache: PackageCache | undefined,
  base: LayerMeta | undefined,
): Promise<LayerRef> {
  const started = Date.now();
  const { steps, install } = setupSteps(b.distro, b.recipe, cache && CELL_PACKAGE_CACHE);
  const logShown = b.displayRoot ? relative(b.displayRoot, b.logPath) : b.logPath;
  return b.store.inStaging('layer', async (staging) => {
    // The base's copy is the setup cell's upper dir: the install then adds only what the base lacks (base.ts).
    const from = base && (await copyBase(b.store, base, join(staging, 'diff'))) ? base : undefined;
    const start = from ? `; starting from layer ${from.id}` : '';
    b.onProgress?.(`building setup layer ${id} (${describeRecipe(b.recipe)}${start}), log: ${logShown}`);
    // The cell's scratch dir (removed by runCell) sits beside the upper dir: same filesystem, never inside it.
    const scratch = join(staging, 'cell');
    // Setup sees only the project files the layer's id covers (setup-view.ts), never the whole snapshot.
    const view = join(staging, 'project');
    await setupView(b.sourceTree, [...Object.keys(inputs.files), ...Object.keys(inputs.setupInputs)], view);
    await mkdir(dirname(b.logPath), { recursive: true });
    const log = createWriteStream(b.logPath);
    // Setup commands are the project's: their output is capped like a cell's.
    const output = new LogCap(log, logCap());
    // Setup steps have no timeouts of their own: the clock only tells which step was running at the end.
    const clock = new StepClock(steps, () => {});
    let result: Awaited<ReturnType<typeof runCell>>;
    try {
      const ground = {
        runtime: b.runtime,
        layers: [b.image.rootfs],
        project: { tree: view, workdir: b.workdir },
        resources: b.resources,
        arch: b.distro.arch,
      };
      result = await runCell(
        b.runtime,
        cellSpec(ground, {
          id: `vmx-layer-${id}-${process.pid}`,
          hostname: `setup-${b.distro.name}`,
          dir: scratch,
          keep: { upper: join(staging, 'diff') },
          ...(cache && { packageCache: { source: cache.data } }),
          args: stepArgs(b.distro.shell, 'vmatrix-setup', steps),
          env: { ...b.recipe.env, VMATRIX_DISTRO: b.distro.name, VMATRIX_PHASE: 'setup' },
          // Outbound only, never the host itself (SAFETY 33), unless the operator said VMATRIX_SETUP_NETWORK=host.
          network: setupNetwork(),
          stdout: output,
          stderr: output,
          onControl: clock.onLine,
          timeoutMs: b.timeoutMs,
          signal: b.signal,
        }),
      );
    } finally {
      clock.stop();
      await settled(output);
      log.end();
      await once(log, 'close');
    }
    if (result.exitCode !== 0 || result.timedOut || result.aborted) {
      const step = clock.lastStarted();
      throw await setupFailed(result, {
        distro: b.distro,
        recipe: b.recipe,
        logPath: b.logPath,
        step,
        installing: step !== undefined && step === install,
      });
    }
    await rm(view, { recursive: true, force: true });
    // The runtime made the cache's mount point in the upper dir: an empty dir, which is no part of the layer.
    if (cache) await removeMountPoint(join(staging, 'diff'), CELL_PACKAGE_CACHE);
    const size = await treeSize(join(staging, 'diff'));
    const meta: LayerMeta = {
      id,
      image: b.image.id,
      inputs: { distro: b.distro.name, ...inputs },
      ...(from && { startedFrom: from.id }),
      size,
      created: new Date().toISOString(),
    };
    await writeFile(join(staging, 'layer.json'), `${JSON.stringify(meta, null, 2)}\n`);
    // A rebuilt layer replaces the old one, which stays whole for the cells still running on it.
    await b.store.replaceDir(staging, b.store.layerDir(id));
    return {
      id,
      diff: join(b.store.layerDir(id), 'diff'),
      cached: false,
      durationMs: Date.now() - started,
      logPath: b.logPath,
    };
  });
}

/**
 * Removes the empty mount point `point` from a finished upper dir, and nothing else: the upper dir is the
 * project's writing, and setup may have renamed the point's parent and put a link to a host path in its place
 * (SAFETY 29), so each directory on the way is checked with lstat and a link is never followed.
 */
export async function removeMountPoint(upper: string, point: string): Promise<void> {
  let dir = upper;
  for (const part of dirname(point).split('/').filter(Boolean)) {
    dir = join(dir, part);
    if (!(await lstat(dir).catch(() => undefined))?.isDirectory()) return;
  }
  await rmdir(join(dir, basename(point))).catch(() => {});
}

export function describeRecipe(r: Recipe): string {
  const parts = [];
  if (r.packages.length)
    parts.push(`packages: ${r.packages.join(' ')}${r.installRecommends === false ? ' (without recommends)' : ''}`);
  if (r.setup.length) parts.push(`${r.setup.length} setup command${r.setup.length === 1 ? '' : 's'}`);
  return parts.join('; ');
}
