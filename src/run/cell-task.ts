import { join, relative } from 'node:path';
import type { ImageRef } from '../images/index.js';
import { cellEnv } from '../matrix/index.js';
import type { Cell } from '../matrix/types.js';
import { substitute } from '../config/index.js';
import { formatDuration } from '../util/duration.js';
import { messageOf } from '../util/errors.js';
import type { Runtime } from '../vps/index.js';
import { appendFileTo, cellLogPath, closeLog, openLog, runTestStep } from './cell.js';
import { SetupFailed, type LayerRef } from './layer.js';
import type { Plan } from './prepare.js';
import { cellResources } from './resources.js';
import { contextOf, recipeFor } from './recipe.js';
import type { CellResult } from './types.js';
import { keepScratch, settleKept, shouldKeep, type KeepMode } from './keep.js';
import type { Store } from '../store/index.js';
import { testUser, userEnv } from './user.js';

// A cell's life within a run: wait for its image and setup layer, run its test steps, turn what happened
// into a CellResult, and keep a log that tells the whole story (setup output included).

export interface Prepared { image: ImageRef; imageMs: number; layer?: LayerRef }

/** What every cell of one run shares. */
export interface RunContext {
  plan: Plan;
  runDir: string;
  cellsRoot: string;
  sourceTree: string;
  runtime: Runtime;
  prepare: (cell: Cell) => Promise<Prepared>;
  signal?: AbortSignal;
  store: Store;
  runId: string;
  /** Which cells' writable layers outlive the run (`--keep`). */
  keep: KeepMode;
}

/** One cell from preparation to result; a failure of the project is a result, never a throw. */
export async function runCellTask(r: RunContext, cell: Cell): Promise<CellResult> {
  const { plan, runDir, cellsRoot, sourceTree, runtime, prepare } = r;
  const started = Date.now();
  const logFile = cellLogPath(runDir, cell);
  const base = { id: cell.id, slug: cell.slug, distro: cell.distro, axes: cell.axes, logPath: relative(plan.projectDir, logFile) };
  const log = await openLog(logFile);
  log.write(`# vmatrix cell ${cell.id}\n`);
  try {
    let prepared: Prepared;
    try {
      prepared = await prepare(cell);
    } catch (e) {
      if (e instanceof SetupFailed) {
        await appendFileTo(log, e.logPath);
        return { ...base, status: e.timedOut ? 'timed-out' : 'failed', phase: 'setup', exitCode: e.exitCode, signal: e.signal, durationMs: Date.now() - started, phases: { image: 0, setup: 0, test: 0 } };
      }
      log.write(`# could not prepare the cell: ${messageOf(e)}\n`);
      return { ...base, status: r.signal?.aborted ? 'cancelled' : 'error', phase: 'image', exitCode: null, message: messageOf(e), durationMs: Date.now() - started, phases: { image: 0, setup: 0, test: 0 } };
    }
    const { image, imageMs, layer } = prepared;
    log.write(`# image ${image.id} (${cell.distro})\n# setup layer ${layer ? `${layer.id}${layer.cached ? ' (cached)' : ''}` : 'none'}\n`);
    if (layer?.logPath) await appendFileTo(log, layer.logPath);
    const ctx = contextOf(plan, cell);
    const lowerdirs = [...(layer ? [layer.diff] : []), image.rootfs];
    const env = { ...recipeFor(plan, cell).env, ...userEnv(plan.config.user), ...cellEnv(cell) };
    const user = testUser(plan.config.user);
    const keeping = r.keep !== 'none' ? keepScratch(cellsRoot, cell.slug) : undefined;
    const outcome = await runTestStep({
      runtime, cell, distro: plan.distros.get(cell.distro)!, lowerdirs, sourceTree, workdir: plan.config.workdir,
      commands: plan.config.test.map((t) => substitute(t, ctx)), env,
      network: plan.config.network, user, scratch: join(cellsRoot, cell.slug), containerId: `vmx-${process.pid}-${plan.cells.indexOf(cell)}-${cell.slug}`.slice(0, 64),
      resources: cellResources(plan.config.resources), log, timeoutMs: plan.config.timeout, signal: r.signal, keepDirs: keeping,
    });
    log.write(`# ${outcome.status} (${outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.exitCode}`}) in ${formatDuration(outcome.durationMs)}\n`);
    const kept = keeping && await settleKept(r.store, keeping.dir, shouldKeep(r.keep, outcome.status) ? {
      version: 1, runId: r.runId, cell: cell.id, slug: cell.slug, distro: cell.distro, status: outcome.status, lowerdirs, sourceTree,
      workdir: plan.config.workdir, env, user, network: plan.config.network, keptAt: new Date().toISOString(),
    } : undefined);
    if (kept) log.write(`# kept: vmatrix shell --run ${r.runId} ${cell.id}\n`);
    return {
      ...base, status: outcome.status, phase: outcome.status === 'passed' ? undefined : 'test', exitCode: outcome.exitCode, signal: outcome.signal,
      durationMs: Date.now() - started, imageId: image.id, layerId: layer?.id, setupCached: layer?.cached,
      phases: { image: imageMs, setup: layer?.durationMs ?? 0, test: outcome.durationMs },
      ...(outcome.status === 'oom-killed' && { memoryLimit: plan.config.resources.memory }),
      ...(kept && { kept }),
    };
  } finally {
    await closeLog(log);
  }
}

export function cancelledResult(cell: Cell, projectDir: string, runDir: string): CellResult {
  return { id: cell.id, slug: cell.slug, distro: cell.distro, axes: cell.axes, status: 'cancelled', exitCode: null, durationMs: 0,
    phases: { image: 0, setup: 0, test: 0 }, logPath: relative(projectDir, cellLogPath(runDir, cell)) };
}
