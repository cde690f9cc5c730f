import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Store } from '../store/index.js';
import { usageError } from '../util/errors.js';
import type { CellStatus } from '../results/types.js';
import { isProjectFailure } from '../results/index.js';

// `vmatrix test --keep failed|all`: a kept cell's writable layers (its root's and its project copy's) move
// to the store's kept/<run>/<cell>/ when it ends, with kept.json naming what they sit on, so that
// `vmatrix shell --run <run> <cell>` can open a shell on exactly what the test left behind.

export type KeepMode = 'none' | 'failed' | 'all';

/** What a kept cell was made of: enough to stack a shell cell on top of its writes. */
export interface KeptCell {
  version: 1;
  runId: string;
  cell: string;
  slug: string;
  distro: string;
  /** The cell's arch (absent from cells kept before vmatrix knew arches): a 32-bit one gets its personality back. */
  arch?: string;
  status: CellStatus;
  /** Read-only layers under the kept upper, newest first (setup layer, image root). */
  lowerdirs: string[];
  sourceTree: string;
  workdir: string;
  env: Record<string, string>;
  user: { uid: number; gid: number };
  network: 'none' | 'host';
  keptAt: string;
}

/** Where a cell's writable dirs go while it runs when it may be kept: beside its cell dir, same filesystem. */
export function keepScratch(cellsRoot: string, slug: string): { dir: string; upper: string; srcUpper: string } {
  const dir = join(cellsRoot, `${slug}.keep`);
  return { dir, upper: join(dir, 'upper'), srcUpper: join(dir, 'src-upper') };
}

export function shouldKeep(mode: KeepMode, status: CellStatus): boolean {
  if (mode === 'all') return status !== 'cancelled';
  return mode === 'failed' && isProjectFailure(status);
}

/** Moves the scratch dir into kept/ (or removes it); returns the kept dir. */
export async function settleKept(
  store: Store,
  scratchDir: string,
  keep: KeptCell | undefined,
): Promise<string | undefined> {
  if (!keep) {
    await rm(scratchDir, { recursive: true, force: true });
    return undefined;
  }
  const dest = store.keptDir(keep.runId, keep.slug);
  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  await writeFile(join(scratchDir, 'kept.json'), `${JSON.stringify(keep, null, 2)}\n`);
  await rename(scratchDir, dest);
  return dest;
}

/** The kept cell of a run named by its id or slug (or the only one, when `target` is undefined). */
export async function findKept(
  store: Store,
  runId: string,
  target: string | undefined,
): Promise<{ dir: string; kept: KeptCell }> {
  const runDir = store.keptDir(runId);
  const slugs = await readdir(runDir).catch(() => undefined);
  if (!slugs || slugs.length === 0) {
    throw usageError('NOTHING_KEPT', `run ${runId} kept no cell`, {
      hint: 'run the tests with --keep failed (or --keep all), then open the shell on that run',
    });
  }
  const all = await Promise.all(
    slugs.map(async (slug) => ({
      dir: join(runDir, slug),
      kept: JSON.parse(await readFile(join(runDir, slug, 'kept.json'), 'utf8')) as KeptCell,
    })),
  );
  const match =
    target === undefined
      ? all.length === 1
        ? all[0]
        : undefined
      : all.find((k) => k.kept.cell === target || k.kept.slug === target);
  if (!match) {
    throw usageError(
      'NOT_KEPT',
      target === undefined
        ? `run ${runId} kept ${all.length} cells: name one`
        : `run ${runId} did not keep cell ${target}`,
      {
        hint: `kept: ${all.map((k) => k.kept.cell).join(', ')}`,
      },
    );
  }
  return match;
}
