import { requireHostNetworkAllowed } from '../cell/host-network.js';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { snapshotProject, snapshotRevision, snapshotTree } from '../source/index.js';
import type { Store } from '../store/index.js';
import { archSupports, bootNeedsRoot, cellRuntime, seccompReason, type Runtime } from '../vps/index.js';
import { slowestFirst } from '../matrix/index.js';
import { artifactCap } from '../cell/artifacts.js';
import { logCap } from '../cell/log-cap.js';
import { FailFast } from '../cell/attempts.js';
import { cancelledResult, runCellTask, type RunContext } from './cell-task.js';
import { archNotes, cellPreparer, withServices, type RunShared } from './inputs.js';
import { hostArch } from '../util/arch.js';
import type { KeepMode } from '../cell/keep.js';
import { runPool } from './pool.js';
import type { Plan, RevisionSource } from '../plan/plan.js';
import { imageEvents } from './progress.js';
import { operatorCeilings, type CeilingOptions } from '../cell/ceilings.js';
import { runLimits } from '../cell/resources.js';
import { giveToInvoker, makeRunsDir, pointLatest } from './run-dir.js';
import { summarise } from '../results/summary.js';
import { sweepStore } from '../processes/sweep.js';
import { sourceOwner } from '../cell/user.js';
import type { CellResult, EventSink, RunResult } from '../results/types.js';
import { newRunId } from '../results/run-id.js';

export interface TestRunOptions {
  plan: Plan;
  store: Store;
  jobs?: number;
  runtime?: string;
  /** Kills the running cells (second Ctrl-C, SIGTERM, the grace period's end); results are still written. */
  signal?: AbortSignal;
  /** Starts no more cells and lets the running ones finish (first Ctrl-C). */
  drain?: AbortSignal;
  /** Where run directories go; default: <project>/.vmatrix/runs. */
  output?: string;
  emit: EventSink;
  /** Use only the store: an image that is not there is an error, not a download. */
  offline?: boolean;
  /** Test a commit instead of the working tree (`--ref`, `--repo`). */
  source?: RevisionSource;
  /** Keep the writable layers of failed cells, of all, or of none (default). */
  keep?: KeepMode;
  /** Build the setup layers of the run's cells again, even when the store has them (`--rebuild`). */
  rebuild?: boolean;
  /** --allow-host-network: the operator lets a config's `network: host` through (host-network.ts). */
  allowHostNetwork?: boolean;
  /** Run a failed or timed-out cell again up to this many times (`--retries`; default: the config's `retries:`). */
  retries?: number;
  /** Stop at the first failing cell: cancel the queued ones and kill the running ones (`--fail-fast`). */
  failFast?: boolean;
  /** The operator's ceilings (`--max-memory`, `--max-pids`); the environment's, else the defaults, when absent. */
  ceilings?: CeilingOptions;
}

/** Runs every cell of the plan and returns the results; a failing cell is a result, never a throw. */
export async function runTests(o: TestRunOptions): Promise<RunResult> {
  const { plan, store } = o;
  requireHostNetworkAllowed(plan.config.network, o.allowHostNetwork, plan.config.file);
  const runtime = await cellRuntime(o.runtime);
  refuseBootWithoutRoot(plan, runtime);
  const limits = await runLimits(plan.config.resources, operatorCeilings(o.ceilings));
  await store.init();
  await sweepStore(store);
  const jobs = Math.max(1, o.jobs ?? availableParallelism());
  const runId = newRunId();
  const { runsDir, made } = await makeRunsDir(plan.projectDir, o.output);
  const runDir = join(runsDir, runId);
  await mkdir(runDir, { mode: 0o755 });
  const cellsRoot = await store.writing('starting the run', () =>
    store.createRunDir(runId, {
      project: plan.projectDir,
      // Services' cells too (services.ts names their dirs <slug>-<service>), so that `vmatrix ps` names them.
      cells: Object.fromEntries(
        plan.cellPlans.flatMap((c): Array<[string, string]> => [
          [c.slug, c.id],
          ...c.services.map((s): [string, string] => [`${c.slug}-${s.name}`, `${c.id} service ${s.name}`]),
        ]),
      ),
    }),
  );
  const started = new Date();
  o.emit({
    type: 'run-start',
    runId,
    runDir,
    cells: plan.cells,
    jobs,
    runtime: runtime.name,
    runtimeReason: runtime.reason,
  });
  o.emit({ type: 'progress', scope: 'isolation', message: runtime.userns.reason });
  o.emit({ type: 'progress', scope: 'isolation', message: seccompReason() });
  o.emit({ type: 'progress', scope: 'isolation', message: limits.note });
  const arches = await archSupports(plan.cells.map((c) => c.arch));
  for (const message of archNotes(arches, hostArch())) o.emit({ type: 'progress', scope: 'arch', message });

  const owner = sourceOwner(runtime.userns.map, plan.config.user);
  const snapshot = await store.writing('copying the project', () =>
    o.source
      ? snapshotRevision(store, o.source.repoDir, o.source.ref, { owner })
      : snapshotProject(store, plan.projectDir, { owner }),
  );
  if ('commit' in snapshot)
    o.emit({
      type: 'progress',
      scope: 'source',
      message: `${o.source!.label} at ${o.source!.ref} (commit ${String(snapshot.commit).slice(0, 12)})`,
    });
  o.emit({
    type: 'progress',
    scope: 'source',
    message: `${snapshot.files} files${snapshot.reused ? ' (unchanged since a previous run)' : ''}`,
  });
  const sourceTree = snapshotTree(snapshot);

  const stop = new FailFast(o.failFast ?? false, o.signal);
  const shared: RunShared = { plan, store, runtime, cellsRoot, sourceTree, signal: stop.signal };
  const prepare = withServices(
    cellPreparer({
      ...shared,
      setupLogDir: join(runDir, 'setup'),
      offline: o.offline,
      rebuild: o.rebuild,
      setupResources: limits.setup,
      arches,
      onImageProgress: imageEvents(o.emit),
      onProgress: (scope, message) => o.emit({ type: 'progress', scope, message }),
    }),
  );
  // Images and setup layers are prepared for every distro at once (a few at a time: see inputs.ts): the
  // pool asks for each cell's inputs when it starts, and a cell takes a slot once its own are ready, so
  // cells of a cached distro start at once. The cell's task gets what the pool asked for.

  const results: CellResult[] = [];
  const context: RunContext = {
    ...shared,
    runDir,
    runId,
    keep: o.keep ?? 'none',
    retries: o.retries ?? plan.config.retries,
    artifactCap: artifactCap(),
    logCap: logCap(),
    emit: o.emit,
    resources: limits.test,
    inventories: new Map(),
  };
  const skipped = await runPool(
    slowestFirst(plan.cellPlans, plan.durations),
    jobs,
    async (cell, inputs) => {
      const result = stop.explain(await runCellTask(context, cell, inputs!), o.signal?.aborted);
      stop.record(result);
      results.push(result);
      o.emit({ type: 'cell-end', result });
    },
    o.drain ? AbortSignal.any(stop.signal ? [stop.signal, o.drain] : [o.drain]) : stop.signal,
    prepare,
  );
  for (const cell of skipped) {
    const result = stop.explain(cancelledResult(cell, plan.projectDir, runDir), o.signal?.aborted || o.drain?.aborted);
    results.push(result);
    o.emit({ type: 'cell-end', result });
  }
  await rm(cellsRoot, { recursive: true, force: true });
  const order = new Map(plan.cells.map((c, i) => [c.id, i]));
  results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const finished = new Date();
  const result: RunResult = {
    version: 1,
    runId,
    project: plan.projectDir,
    config: relative(plan.projectDir, plan.config.file),
    runtime: runtime.name,
    ...('commit' in snapshot &&
      o.source && { source: { repository: o.source.label, ref: o.source.ref, commit: String(snapshot.commit) } }),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    jobs,
    cells: results,
    summary: summarise(results),
    matrix: plan.matrix,
  };
  await pointLatest(runsDir, runId);
  await giveToInvoker([...made, runDir]);
  o.emit({ type: 'run-end', result, runDir });
  return result;
}

/**
 * A run with system cells or booted services, without root: refused before any image or layer is made, since
 * each such cell would fail at its start (vps/run-cell.ts says why).
 */
function refuseBootWithoutRoot(plan: Plan, runtime: Runtime): void {
  if (!runtime.rootless) return;
  const booting = plan.cellPlans.find((c) => c.boot) ?? plan.services.find((s) => s.boot);
  if (!booting) return;
  throw bootNeedsRoot('cell' in booting ? `cell ${booting.id}` : `service ${booting.name}`);
}
