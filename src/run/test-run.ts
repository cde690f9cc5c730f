import { mkdir, writeFile, rm, symlink, rename } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { ImageRef } from '../images/index.js';
import { cellEnv } from '../matrix/index.js';
import type { Cell } from '../matrix/types.js';
import { axisNames, effectiveSetup, substitute } from '../config/index.js';
import type { SubstitutionContext } from '../config/index.js';
import { snapshotProject, snapshotTree } from '../source/index.js';
import { recordUse, type Store } from '../store/index.js';
import { messageOf } from '../util/errors.js';
import { silentLogger } from '../util/log.js';
import { detectRuntime, sweepCells } from '../vps/index.js';
import { appendFileTo, cellLogPath, closeLog, openLog, runTestStep } from './cell.js';
import { ensureLayer, recipeIsEmpty, SetupFailed, type LayerRef, type Recipe } from './layer.js';
import { Once, runPool } from './pool.js';
import type { Plan } from './prepare.js';
import type { CellResult, EventSink, RunResult } from './types.js';
import { hashOf } from '../util/hash.js';
import { formatDuration } from '../util/duration.js';
import { summarise } from './summary.js';
import { obtainImage } from './imported.js';
import { imageEvents } from './progress.js';

export interface TestRunOptions {
  plan: Plan;
  store: Store;
  jobs?: number;
  runtime?: string;
  signal?: AbortSignal;
  emit: EventSink;
  /** Use only the store: an image that is not there is an error, not a download. */
  offline?: boolean;
}

/** Package installs can take far longer than a project's tests, so `timeout:` does not apply to setup. */
const SETUP_TIMEOUT_MS = 30 * 60_000;

interface Prepared { image: ImageRef; imageMs: number; layer?: LayerRef }

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Runs every cell of the plan and returns the results; a failing cell is a result, never a throw. */
export async function runTests(o: TestRunOptions): Promise<RunResult> {
  const { plan, store } = o;
  const runtime = await detectRuntime(o.runtime);
  await store.init();
  await Promise.all([store.sweep(), sweepCells(store.cellsDir())]);
  const jobs = Math.max(1, o.jobs ?? availableParallelism());
  const runId = newRunId();
  const runDir = join(plan.projectDir, '.vmatrix', 'runs', runId);
  await mkdir(runDir, { recursive: true });
  await writeFile(join(plan.projectDir, '.vmatrix', '.gitignore'), '*\n');
  const cellsRoot = await store.createRunDir(runId);
  const started = new Date();
  o.emit({ type: 'run-start', runId, runDir, cells: plan.cells, jobs, runtime: runtime.name, runtimeReason: runtime.reason });

  const snapshot = await snapshotProject(store, plan.projectDir);
  o.emit({ type: 'progress', scope: 'source', message: `${snapshot.files} files${snapshot.reused ? ' (unchanged since a previous run)' : ''}` });
  const sourceTree = snapshotTree(snapshot);

  const images = new Once<{ image: ImageRef; ms: number }>();
  const layers = new Once<LayerRef>();
  const prepare = async (cell: Cell): Promise<Prepared> => {
    const distro = plan.distros.get(cell.distro)!;
    const { image, ms } = await images.get(distro.name, async () => {
      const t = Date.now();
      const image = await obtainImage(store, distro, { log: silentLogger, offline: o.offline, onProgress: imageEvents(o.emit) });
      await recordUse(cellsRoot, [image.id]); // `image rm` and `prune` leave it alone while we run
      return { image, ms: Date.now() - t };
    });
    const recipe = recipeFor(plan, cell);
    if (recipeIsEmpty(recipe)) return { image, imageMs: ms };
    const key = hashOf({ distro: distro.name, recipe });
    const layer = await layers.get(key, () => ensureLayer({
      store, runtime, image, distro, recipe, sourceTree, workdir: plan.config.workdir,
      logPath: join(runDir, 'setup', `${distro.name}-${key.slice(0, 8)}.log`), displayRoot: process.cwd(), signal: o.signal, timeoutMs: SETUP_TIMEOUT_MS,
      onProgress: (message) => o.emit({ type: 'progress', scope: distro.name, message }),
    }));
    await recordUse(cellsRoot, [layer.id]);
    return { image, imageMs: ms, layer };
  };
  // Images and setup layers are prepared for every distro at once (they wait on the network and the
  // package manager, not the CPU); cells then take their turn in the pool.
  for (const cell of plan.cells) prepare(cell).catch(() => {});

  const results: CellResult[] = [];
  const runCellTask = async (cell: Cell): Promise<void> => {
    const result = await runOne(o, cell, runDir, cellsRoot, sourceTree, runtime, prepare);
    results.push(result);
    o.emit({ type: 'cell-end', result });
  };
  const skipped = await runPool(plan.cells, jobs, runCellTask, o.signal);
  for (const cell of skipped) {
    const result = cancelledResult(cell, plan.projectDir, runDir);
    results.push(result);
    o.emit({ type: 'cell-end', result });
  }
  await rm(cellsRoot, { recursive: true, force: true });
  const order = new Map(plan.cells.map((c, i) => [c.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const finished = new Date();
  const result: RunResult = {
    version: 1, runId, project: plan.projectDir, config: relative(plan.projectDir, plan.config.file), runtime: runtime.name,
    startedAt: started.toISOString(), finishedAt: finished.toISOString(), durationMs: finished.getTime() - started.getTime(),
    jobs, cells: results, summary: summarise(results),
  };
  await pointLatest(join(plan.projectDir, '.vmatrix', 'runs'), runId);
  o.emit({ type: 'run-end', result, runDir });
  return result;
}

function contextOf(plan: Plan, cell: Cell): SubstitutionContext {
  // A cell added by include may lack an axis: its placeholders become '' as on GitHub, not an error.
  return { distro: cell.distro, matrix: cell.axes, known: axisNames(plan.config) };
}

function substituteEnv(env: Record<string, string>, ctx: SubstitutionContext): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substitute(v, ctx)]));
}

function recipeFor(plan: Plan, cell: Cell): Recipe {
  const ctx = contextOf(plan, cell);
  const { packages, setup, env } = effectiveSetup(plan.config, plan.distros.get(cell.distro)!);
  return {
    packages: packages.map((p) => substitute(p, ctx)).filter(Boolean),
    setup: setup.map((s) => substitute(s, ctx)),
    env: substituteEnv(env, ctx),
  };
}

async function runOne(o: TestRunOptions, cell: Cell, runDir: string, cellsRoot: string, sourceTree: string,
  runtime: Awaited<ReturnType<typeof detectRuntime>>, prepare: (c: Cell) => Promise<Prepared>): Promise<CellResult> {
  const { plan } = o;
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
      return { ...base, status: o.signal?.aborted ? 'cancelled' : 'error', phase: 'image', exitCode: null, message: messageOf(e), durationMs: Date.now() - started, phases: { image: 0, setup: 0, test: 0 } };
    }
    const { image, imageMs, layer } = prepared;
    log.write(`# image ${image.id} (${cell.distro})\n# setup layer ${layer ? `${layer.id}${layer.cached ? ' (cached)' : ''}` : 'none'}\n`);
    if (layer?.logPath) await appendFileTo(log, layer.logPath);
    const ctx = contextOf(plan, cell);
    const outcome = await runTestStep({
      runtime, cell, distro: plan.distros.get(cell.distro)!,
      lowerdirs: [...(layer ? [layer.diff] : []), image.rootfs], sourceTree, workdir: plan.config.workdir,
      commands: plan.config.test.map((t) => substitute(t, ctx)),
      env: { ...substituteEnv(effectiveSetup(plan.config, plan.distros.get(cell.distro)!).env, ctx), ...cellEnv(cell) },
      network: plan.config.network, scratch: join(cellsRoot, cell.slug), containerId: `vmx-${process.pid}-${plan.cells.indexOf(cell)}-${cell.slug}`.slice(0, 64),
      log, timeoutMs: plan.config.timeout, signal: o.signal,
    });
    log.write(`# ${outcome.status} (${outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.exitCode}`}) in ${formatDuration(outcome.durationMs)}\n`);
    return {
      ...base, status: outcome.status, phase: outcome.status === 'passed' ? undefined : 'test', exitCode: outcome.exitCode, signal: outcome.signal,
      durationMs: Date.now() - started, imageId: image.id, layerId: layer?.id, setupCached: layer?.cached,
      phases: { image: imageMs, setup: layer?.durationMs ?? 0, test: outcome.durationMs },
    };
  } finally {
    await closeLog(log);
  }
}

function cancelledResult(cell: Cell, projectDir: string, runDir: string): CellResult {
  return { id: cell.id, slug: cell.slug, distro: cell.distro, axes: cell.axes, status: 'cancelled', exitCode: null, durationMs: 0,
    phases: { image: 0, setup: 0, test: 0 }, logPath: relative(projectDir, cellLogPath(runDir, cell)) };
}

/** .vmatrix/runs/latest → the newest run, replaced atomically. */
async function pointLatest(runsDir: string, runId: string): Promise<void> {
  const tmp = join(runsDir, `.latest-${process.pid}`);
  await rm(tmp, { force: true });
  await symlink(runId, tmp);
  await rename(tmp, join(runsDir, 'latest'));
}
