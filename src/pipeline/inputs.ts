import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ImageProgress, ImageRef } from '../images/index.js';
import { recordUse, type Store } from '../store/index.js';
import { hashOf } from '../util/hash.js';
import { silentLogger } from '../util/log.js';
import type { ArchSupport, CellResources, Runtime } from '../vps/index.js';
import { envError, type VmError } from '../util/errors.js';
import { obtainCellImage } from '../distro-image/resolve.js';
import { ensureLayer, recipeIsEmpty, type LayerRef } from '../layers/build.js';
import { setupInputFiles, type FileDigest } from '../layers/key.js';
import { Limiter, Once } from './pool.js';
import type { Plan } from '../plan/plan.js';
import type { CellPlan } from '../plan/index.js';

// A cell's inputs: its distro's image and its setup layer, each obtained once however many cells share it,
// and marked as in use so that `image rm` and `prune` leave them alone while the run lasts.

/** Images obtained at once (downloads, builds, extraction), and setup layers built at once. */
export const IMAGE_CONCURRENCY = 4;
export const LAYER_CONCURRENCY = Math.max(2, Math.floor(availableParallelism() / 2));

/** Package installs can take far longer than a project's tests, so `timeout:` does not apply to setup. */
export const SETUP_TIMEOUT_MS = 30 * 60_000;

/** A cell's inputs, ready: its distro's image and, when its recipe has anything in it, its setup layer. */
export interface Prepared {
  image: ImageRef;
  imageMs: number;
  layer?: LayerRef;
  /** The inputs of the cell's services (`services:`), in their order. */
  services?: Prepared[];
}

/** What every cell of one run (or one session) stands on, from its inputs to its test phase. */
export interface RunShared {
  plan: Plan;
  store: Store;
  runtime: Runtime;
  /** The run's dir in the store (cells/<run>): the cells' scratch dirs and the in-use marks go there. */
  cellsRoot: string;
  /** The project's snapshot: what setup reads and test cells see at the workdir. */
  sourceTree: string;
  /** Kills what is running (a cancel, a fail-fast). */
  signal?: AbortSignal;
}

/** How the cells' images and setup layers are obtained. */
export interface InputsContext extends RunShared {
  /** Where setup logs are written (<dir>/<distro>-<arch>-<key>.log). */
  setupLogDir: string;
  offline?: boolean;
  onImageProgress?: ImageProgress;
  onProgress?: (scope: string, message: string) => void;
  /** `--rebuild`: build each setup layer of the run again, even when the store has it. */
  rebuild?: boolean;
  /** The cgroup limits of setup cells: the operator's ceilings (resources.ts). */
  setupResources?: CellResources;
  /** Whether each arch of the run can run here (vps' `archSupports`): a cell of one that cannot is an error at once. */
  arches?: ReadonlyMap<string, ArchSupport>;
}

/** What a run says about its arches that are not the host's: how each runs, or why it cannot. */
export function archNotes(arches: ReadonlyMap<string, ArchSupport>, host: string): string[] {
  return [...arches.values()]
    .filter((s) => s.arch !== host)
    .map((s) =>
      s.runs
        ? `${s.arch}: ${s.how === 'native' ? 'runs natively' : `qemu-user (${s.interpreter ?? 'binfmt_misc'})`}`
        : `${s.arch}: cannot run here: ${s.problem ?? 'no way to run it'}`,
    );
}

function splitFix(lines: string[]): [string[], string[]] {
  const at = lines.findIndex((l) => l.startsWith('#'));
  return at < 0 ? [lines, []] : [lines.slice(0, at), lines.slice(at + 1).filter((l) => !l.startsWith('#'))];
}

/** The error of a cell whose arch this host cannot run: the fix is in the message, which is all a result keeps. */
export function archCannotRun(s: ArchSupport): VmError {
  // doctor's form: commands, then `# or by hand:` and the commands it would run.
  const [first, by] = splitFix(s.fix ?? []);
  const fix = first.length
    ? `; to fix it, as root: ${first.join(' && ')}${by.length ? ` (or by hand: ${by.join(' && ')})` : ''}`
    : '';
  return envError('ARCH_CANNOT_RUN', `${s.problem ?? `this host cannot run ${s.arch} programs`}${fix}`, {
    hint: 'vmatrix doctor lists the arches this host can run, and vmatrix doctor --fix makes the foreign ones run',
  });
}

/** Obtains a cell's inputs; a run calls it once per cell (the pool's `ready`), a session for its one cell. */
export function cellPreparer(
  c: InputsContext,
): (cell: Pick<CellPlan, 'distro' | 'recipe' | 'recipeError'>) => Promise<Prepared> {
  const { plan, store, runtime, cellsRoot } = c;
  const images = new Once<{ image: ImageRef; ms: number }>();
  const layers = new Once<LayerRef>();
  // Bounded: downloads and extractions share the network and the disk, setup layers the CPU.
  const imageSlots = new Limiter(IMAGE_CONCURRENCY);
  const layerSlots = new Limiter(LAYER_CONCURRENCY);
  const rebuilt = c.rebuild ? new Set<string>() : undefined;
  // The files setup_inputs matches: the snapshot does not change during a run, so they are read once.
  let setupInputs: Promise<Record<string, FileDigest>> | undefined;
  const readSetupInputs = async (): Promise<Record<string, FileDigest>> => {
    const { files, unmatched } = await setupInputFiles(c.sourceTree, plan.config.setupInputs);
    for (const glob of unmatched) c.onProgress?.('setup_inputs', `warning: ${glob} matches no file of the project`);
    return files;
  };
  return async ({ distro, recipe, recipeError }) => {
    const runs = c.arches?.get(distro.arch);
    if (runs && !runs.runs) throw archCannotRun(runs);
    const { image, ms } = await images.get(`${distro.name}@${distro.arch}`, () =>
      imageSlots.run(async () => {
        const t = Date.now();
        const image = await obtainCellImage(
          store,
          distro,
          { log: silentLogger, offline: c.offline, onProgress: c.onImageProgress },
          runtime,
        );
        await recordUse(cellsRoot, [image.id]);
        return { image, ms: Date.now() - t };
      }),
    );
    if (recipeError !== undefined) throw recipeError;
    if (recipeIsEmpty(recipe)) return { image, imageMs: ms };
    const key = hashOf({ distro: distro.name, arch: distro.arch, recipe });
    const layer = await layers.get(key, () =>
      layerSlots.run(async () =>
        ensureLayer({
          store,
          runtime,
          image,
          distro,
          recipe,
          sourceTree: c.sourceTree,
          workdir: plan.config.workdir,
          setupInputs: await (setupInputs ??= readSetupInputs()),
          rebuild: rebuilt,
          logPath: join(c.setupLogDir, `${distro.name}-${distro.arch}-${key.slice(0, 8)}.log`),
          displayRoot: process.cwd(),
          signal: c.signal,
          timeoutMs: SETUP_TIMEOUT_MS,
          resources: c.setupResources,
          onProgress: (message) => c.onProgress?.(distro.name, message),
        }),
      ),
    );
    await recordUse(cellsRoot, [layer.id]);
    return { image, imageMs: ms, layer };
  };
}

/**
 * A cell's inputs and its services': their images and setup layers are obtained like any cell's, once each
 * however many cells share them.
 */
export function withServices(
  prepare: (cell: Pick<CellPlan, 'distro' | 'recipe' | 'recipeError'>) => Promise<Prepared>,
): (cell: CellPlan) => Promise<Prepared> {
  return async (cell) => {
    if (cell.services.length === 0) return prepare(cell);
    const [own, ...services] = await Promise.all([prepare(cell), ...cell.services.map((s) => prepare(s))]);
    return { ...own, services };
  };
}
