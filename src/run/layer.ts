import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { once } from 'node:events';
import { installScript, packageManagers } from '../catalog/index.js';
import type { DistroEntry } from '../catalog/types.js';
import type { ImageRef } from '../images/index.js';
import { markUsed, type Store } from '../store/index.js';
import type { LayerMeta } from '../store/types.js';
import { hashOf, shortId } from '../util/hash.js';
import { exists } from '../util/fs.js';
import { treeSize } from '../util/tree.js';
import { runCell, type IdMap, type Runtime } from '../vps/index.js';
import { STEP_LOOP } from './steps.js';

// The setup layer: packages installed with the distro's package manager, then the user's setup commands,
// run once in a cell with the host's network; the cell's upper dir is committed to the store as a layer
// that every cell of that distro+recipe stacks on. Its id covers everything that can change its content.

/** Bump when the way a layer is built changes, so that old layers are not reused. */
const LAYER_FORMAT = 1;

export interface Recipe {
  packages: string[];
  setup: string[];
  env: Record<string, string>;
}

export interface LayerRef {
  id: string;
  diff: string;
  cached: boolean;
  durationMs: number;
  logPath?: string;
}

/** A failed setup is the user's failure (status failed, phase setup), not vmatrix's. */
export class SetupFailed extends Error {
  constructor(readonly exitCode: number | null, readonly signal: string | null, readonly timedOut: boolean, readonly logPath: string) {
    super(`setup ${timedOut ? 'timed out' : signal ? `was killed by ${signal}` : `exited ${exitCode}`}`);
  }
}

export function recipeIsEmpty(r: Recipe): boolean {
  return r.packages.length === 0 && r.setup.length === 0;
}

/** Project files a setup command names (`./ci/install-deps.sh`) are part of the key: edit one, get a rebuild. */
async function namedFileHashes(sourceTree: string, setup: string[]): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const token of setup.flatMap((s) => s.split(/\s+/))) {
    const rel = token.replace(/^\.\//, '');
    if (!rel || rel.startsWith('/') || rel.includes('..') || !/^[\w./-]+$/.test(rel)) continue;
    const content = await readFile(join(sourceTree, rel)).catch(() => undefined);
    if (content) hashes[rel] = createHash('sha256').update(content).digest('hex');
  }
  return hashes;
}

export async function layerId(image: ImageRef, distro: DistroEntry, recipe: Recipe, sourceTree: string, userns?: IdMap): Promise<string> {
  const files = await namedFileHashes(sourceTree, recipe.setup);
  // A layer built in a user namespace holds files owned by the host ids of that mapping.
  const ids = userns ? { uid: userns.uid, gid: userns.gid } : undefined;
  return shortId(hashOf({ format: LAYER_FORMAT, image: image.id, pm: distro.packageManager, ...recipe, files, ...(ids ? { ids } : {}) }));
}

export interface LayerBuild {
  store: Store;
  runtime: Runtime;
  image: ImageRef;
  distro: DistroEntry;
  recipe: Recipe;
  sourceTree: string;
  workdir: string;
  logPath: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (message: string) => void;
  /** Paths in messages are shown relative to this directory (the project's). */
  displayRoot?: string;
}

export async function ensureLayer(b: LayerBuild): Promise<LayerRef> {
  const id = await layerId(b.image, b.distro, b.recipe, b.sourceTree, b.runtime.userns.map);
  const dir = b.store.layerDir(id);
  const hit = { id, diff: join(dir, 'diff'), cached: true, durationMs: 0 };
  if (await exists(dir)) {
    await markUsed(dir); // for `vmatrix image prune --older-than`
    return hit;
  }
  return b.store.withLock(`layer-${id}`, async () => (await exists(dir)) ? hit : build(b, id));
}

async function build(b: LayerBuild, id: string): Promise<LayerRef> {
  const started = Date.now();
  const steps = [...(b.recipe.packages.length ? [installScript(packageManagers[b.distro.packageManager], b.recipe.packages)] : []), ...b.recipe.setup];
  b.onProgress?.(`building setup layer ${id} (${describeRecipe(b.recipe)}), log: ${b.displayRoot ? relative(b.displayRoot, b.logPath) : b.logPath}`);
  const staging = await b.store.staging('layer');
  // The cell's scratch dir (removed by runCell) sits beside the upper dir: same filesystem, never inside it.
  const scratch = join(staging, 'cell');
  await mkdir(dirname(b.logPath), { recursive: true });
  const log = createWriteStream(b.logPath);
  let result: Awaited<ReturnType<typeof runCell>>;
  try {
    result = await runCell(b.runtime, {
      id: `vmx-layer-${id}-${process.pid}`,
      hostname: `setup-${b.distro.name}`,
      lowerdirs: [b.image.rootfs],
      dir: scratch,
      upper: join(staging, 'diff'),
      source: { lower: b.sourceTree, dest: b.workdir },
      args: [b.distro.shell, '-c', STEP_LOOP, 'vmatrix-setup', ...steps],
      env: { ...b.recipe.env, VMATRIX_DISTRO: b.distro.name, VMATRIX_PHASE: 'setup' },
      cwd: b.workdir,
      network: 'host',
      userns: b.runtime.userns.map,
      stdout: log,
      stderr: log,
      timeoutMs: b.timeoutMs,
      signal: b.signal,
    });
  } catch (e) {
    await b.store.discard(staging);
    throw e;
  } finally {
    log.end();
    await once(log, 'close');
  }
  if (result.exitCode !== 0 || result.timedOut || result.aborted) {
    await b.store.discard(staging);
    throw new SetupFailed(result.exitCode, result.signal, result.timedOut, b.logPath);
  }
  const size = await treeSize(join(staging, 'diff'));
  const meta: LayerMeta = { id, image: b.image.id, inputs: { distro: b.distro.name, packageManager: b.distro.packageManager, ...b.recipe }, size, created: new Date().toISOString() };
  await writeFile(join(staging, 'layer.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await b.store.commitDir(staging, b.store.layerDir(id));
  return { id, diff: join(b.store.layerDir(id), 'diff'), cached: false, durationMs: Date.now() - started, logPath: b.logPath };
}

export function describeRecipe(r: Recipe): string {
  const parts = [];
  if (r.packages.length) parts.push(`packages: ${r.packages.join(' ')}`);
  if (r.setup.length) parts.push(`${r.setup.length} setup command${r.setup.length === 1 ? '' : 's'}`);
  return parts.join('; ');
}
