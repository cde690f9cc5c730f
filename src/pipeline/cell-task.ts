import type { WriteStream } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { exists } from '../util/fs.js';
import { cellBoot } from '../cell/init.js';
import { startServices, ServicesFailed, type ServiceGroup, type ServiceOutcome } from './services.js';
import { formatDuration } from '../util/duration.js';
import { fileTail, TAIL_LINES } from '../util/tail.js';
import { isVmError, messageOf } from '../util/errors.js';
import type { CellBoot, CellResources } from '../vps/index.js';
import { appendFileTo, closeLog, openLog, runTestPhase, type TestOutcome } from '../cell/cell.js';
import { SetupFailed, setupFailure } from '../layers/failure.js';
import type { CellPlan } from '../plan/index.js';
import type { CellResult, EventSink } from '../results/types.js';
import { OutputTap } from '../cell/output-tap.js';
import { LogCap, logCap, settled } from '../cell/log-cap.js';
import { keepScratch, settleKept, shouldKeep, type KeepMode } from '../cell/keep.js';
import { artifactsDir, saveArtifacts } from '../cell/artifacts.js';
import { combineAttempts, shouldRetry } from '../cell/attempts.js';
import type { Prepared, RunShared } from './inputs.js';
import { writeInventory, type InventoryMemo } from './inventory.js';

// A cell's life within a run: wait for its image and setup layer, run its test steps, turn what happened
// into a CellResult, and keep a log that tells the whole story (setup output included).

/** How the run's cells are run, beyond what they stand on. */
export interface RunContext extends RunShared {
  runDir: string;
  runId: string;
  /** Which cells' writable layers outlive the run (`--keep`). */
  keep: KeepMode;
  /** How many more times a failed or timed-out cell is run (`retries:`, `--retries`). */
  retries: number;
  /** The most bytes of artifacts copied out of one cell. */
  artifactCap: number;
  /** The most bytes of a cell's output its log keeps (default: VMATRIX_LOG_MAX_SIZE, or 256 MB). */
  logCap?: number;
  /** Where `cell-start` and `cell-output` go. */
  emit?: EventSink;
  /** The cgroup limits of the run's test cells (resources.ts). */
  resources?: CellResources;
  /** The run's package inventories, read once per image and setup layer (inventory.ts). */
  inventories: InventoryMemo;
}

/** One cell of the run: its plan, its inputs (started by the pool: see test-run.ts), where its log goes. */
interface CellTask {
  plan: CellPlan;
  inputs: Promise<Prepared>;
  logPath: string;
}

/**
 * One cell from preparation to result, retried as `retries` says; a failure of the project is a result,
 * never a throw.
 */
export async function runCellTask(r: RunContext, plan: CellPlan, inputs: Promise<Prepared>): Promise<CellResult> {
  const t: CellTask = { plan, inputs, logPath: join(r.runDir, plan.logFile) };
  const log = await openLog(t.logPath);
  log.write(`# vmatrix cell ${plan.id}\n`);
  let result: CellResult;
  try {
    // One cap for all attempts: it bounds the cell's log, not each try.
    result = await runAttempts(r, t, log, new LogCap(log, r.logCap ?? logCap()));
  } catch (e) {
    await closeLog(log).catch(() => {});
    throw e;
  }
  // A log that could not be written (its filesystem is full) makes the cell an error, not the run a crash.
  return closeLog(log).then(
    () => result,
    (e: unknown) => ({ ...result, status: 'error' as const, phase: result.phase ?? 'test', message: messageOf(e) }),
  );
}

async function runAttempts(r: RunContext, t: CellTask, log: WriteStream, capped: LogCap): Promise<CellResult> {
  const attempts: CellResult[] = [];
  for (let attempt = 1; ; attempt++) {
    const { result, again } = await runAttempt(r, t, log, capped, attempt);
    attempts.push(result);
    if (!again) return combineAttempts(attempts);
    log.write(`\n# attempt ${attempt + 1} of ${r.retries + 1} (VMATRIX_ATTEMPT=${attempt + 1}), in a fresh cell\n`);
  }
}

/** One attempt: a fresh cell. `again` says whether the cell is to be run once more. */
async function runAttempt(
  r: RunContext,
  t: CellTask,
  log: WriteStream,
  capped: LogCap,
  attempt: number,
): Promise<{ result: CellResult; again: boolean }> {
  const { plan, cellsRoot, sourceTree, runtime } = r;
  const { plan: cp } = t;
  const { cell } = cp;
  const started = Date.now();
  const base = resultBase(cp, relative(plan.projectDir, t.logPath));
  const prepared = await prepareCell(r, t, log, attempt === 1);
  if ('status' in prepared) return { result: { ...base, ...prepared, durationMs: Date.now() - started }, again: false };
  const { image, imageMs, layer } = prepared;
  const lowerdirs = [...(layer ? [layer.diff] : []), image.rootfs];
  const env = { ...cp.env, VMATRIX_ATTEMPT: String(attempt) };
  // Artifacts are read from the cell's writable dirs after it ends, as --keep reads them: outside the cell dir.
  const keeping = r.keep !== 'none' || cp.artifacts.length > 0 ? keepScratch(cellsRoot, cell.slug) : undefined;
  r.emit?.({ type: 'cell-start', cell });
  // A cell whose services or whose own cell could not be started: an error of this cell, not of the run.
  const cannotRun = (e: unknown): CellResult => ({
    ...base,
    status: r.signal?.aborted ? 'cancelled' : 'error',
    phase: 'test',
    exitCode: null,
    message: messageOf(e),
    durationMs: Date.now() - started,
    imageId: image.id,
    layerId: layer?.id,
    phases: { image: imageMs, setup: layer?.durationMs ?? 0, test: 0 },
  });
  const cellDir = dirname(cp.logFile);
  let group: ServiceGroup | undefined;
  if (cp.services.length > 0) {
    try {
      group = await startServices(
        r,
        { index: cp.index, slug: cell.slug, cellDir, services: cp.services, inputs: prepared.services ?? [] },
        log,
      );
    } catch (e) {
      const services = e instanceof ServicesFailed ? servicesOf(r, plan.projectDir, e.services) : undefined;
      log.write(`# could not start its services: ${messageOf(e)}\n`);
      return {
        again: shouldRetry({ status: 'error', phase: 'test' }, attempt, r.retries, r.signal?.aborted),
        result: { ...cannotRun(e), ...(services && { services }) },
      };
    }
  }
  const boot =
    cp.boot &&
    (await cellBoot(cp.boot.init, cp.boot.timeoutMs, lowerdirs, {
      console: join(r.runDir, cellDir, 'boot.log'),
      journal: join(r.runDir, cellDir, 'journal.txt'),
    }));
  const output = r.emit
    ? new OutputTap(capped, (lines) => r.emit!({ type: 'cell-output', cell: cell.id, lines }))
    : capped;
  let outcome: TestOutcome;
  try {
    outcome = await runTestPhase({
      ground: {
        runtime,
        layers: lowerdirs,
        project: { tree: sourceTree, workdir: cp.workdir },
        resources: r.resources,
        arch: cp.distro.arch,
      },
      command: {
        id: `vmx-${process.pid}-${cp.index}-${cell.slug}`.slice(0, 64),
        hostname: cell.slug,
        dir: join(cellsRoot, cell.slug),
        keep: keeping,
        env,
        network: cp.network,
        user: cp.user,
        timeoutMs: cp.timeoutMs,
        ...(boot && { boot }),
        ...(group && { joinNetns: group.netns, joinUserns: group.userns, extraHosts: group.names }),
      },
      shell: cp.distro.shell,
      steps: cp.steps,
      log,
      output,
      signal: r.signal,
    }).finally(async () => {
      // Output still on its way must land in the log before vmatrix's own lines about the cell.
      if (output instanceof OutputTap) output.close();
      await settled(output);
      await settled(capped);
      await group?.stop();
    });
  } catch (e) {
    // The cell could not be started or torn down (the runtime failed, the store filled up): this cell's
    // result, so the others still run and the run's reports are still written.
    log.write(`# could not run the cell: ${messageOf(e)}\n${isVmError(e) && e.hint ? `# hint: ${e.hint}\n` : ''}`);
    if (keeping) await settleKept(r.store, keeping.dir, undefined).catch(() => {});
    return { again: false, result: cannotRun(e) };
  }
  const end = outcome.message ?? (outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.exitCode}`);
  log.write(`# ${outcome.status} (${end}) in ${formatDuration(outcome.durationMs)}\n`);
  if (outcome.bootMs !== undefined) log.write(`# its system came up in ${formatDuration(outcome.bootMs)}\n`);
  const inventory = await writeInventory({
    plan: cp,
    lowerdirs,
    image: image.id,
    layer: layer?.id,
    env,
    runDir: r.runDir,
    projectDir: plan.projectDir,
    memo: r.inventories,
  }).catch((e: unknown) => ({ failed: `its inventory could not be written: ${messageOf(e)}` }));
  const again = shouldRetry({ status: outcome.status, phase: 'test' }, attempt, r.retries, r.signal?.aborted);
  const saved =
    keeping && cp.artifacts.length > 0
      ? await saveArtifacts({
          patterns: cp.artifacts,
          workdir: cp.workdir,
          upper: keeping.upper,
          srcUpper: keeping.srcUpper,
          maxBytes: r.artifactCap,
          dest: artifactsDir(t.logPath, again ? attempt : undefined),
          projectDir: plan.projectDir,
          log,
        })
      : {};
  // Only the last attempt is kept: it is the one the result describes.
  const kept =
    keeping &&
    (await settleKept(
      r.store,
      keeping.dir,
      !again && shouldKeep(r.keep, outcome.status)
        ? {
            version: 1,
            runId: r.runId,
            cell: cell.id,
            slug: cell.slug,
            distro: cell.distro,
            arch: cell.arch,
            status: outcome.status,
            lowerdirs,
            sourceTree,
            workdir: cp.workdir,
            env,
            user: cp.user,
            network: cp.network,
            keptAt: new Date().toISOString(),
          }
        : undefined,
    ));
  if (kept) log.write(`# kept: vmatrix shell --run ${r.runId} ${cell.id}\n`);
  return {
    again,
    result: {
      ...base,
      status: outcome.status,
      phase: outcome.status === 'passed' ? undefined : 'test',
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      durationMs: Date.now() - started,
      imageId: image.id,
      layerId: layer?.id,
      setupCached: layer?.cached,
      phases: { image: imageMs, setup: layer?.durationMs ?? 0, test: outcome.durationMs },
      ...(outcome.status === 'oom-killed' && { memoryLimit: r.resources?.memoryBytes ?? plan.config.resources.memory }),
      steps: outcome.steps,
      ...(outcome.step !== undefined && { step: outcome.step }),
      ...(outcome.message !== undefined && { message: outcome.message }),
      ...(typeof inventory === 'string' && { inventory }),
      ...(boot && { system: await bootFiles(plan.projectDir, boot, outcome.bootMs) }),
      ...(group && { services: servicesOf(r, plan.projectDir, group.services) }),
      ...saved,
      ...(typeof inventory !== 'string' && { warnings: [...(saved.warnings ?? []), inventory.failed] }),
      ...(kept && { kept }),
    },
  };
}

/** What a result says of a system cell: its boot time and its logs, relative to the project. */
async function bootFiles(projectDir: string, boot: CellBoot, ms?: number): Promise<NonNullable<CellResult['system']>> {
  const journal = boot.journal && (await exists(boot.journal)) ? relative(projectDir, boot.journal) : undefined;
  return {
    ...(ms !== undefined && { readyMs: ms }),
    consoleLog: relative(projectDir, boot.consoleLog),
    ...(journal && { journal }),
  };
}

function servicesOf(r: RunContext, projectDir: string, services: ServiceOutcome[]): CellResult['services'] {
  return services.map(({ logFile, ...s }) => ({ ...s, logPath: relative(projectDir, join(r.runDir, logFile)) }));
}

type NotPrepared = Omit<CellResult, 'id' | 'slug' | 'distro' | 'axes' | 'logPath' | 'durationMs'>;

/** The cell's image and setup layer, or the result of a cell that could not get them. */
async function prepareCell(
  r: RunContext,
  t: CellTask,
  log: WriteStream,
  first: boolean,
): Promise<Prepared | NotPrepared> {
  let prepared: Prepared;
  try {
    prepared = await t.inputs;
  } catch (e) {
    const phases = { image: 0, setup: 0, test: 0 };
    if (e instanceof SetupFailed) {
      const { end } = e;
      await appendFileTo(log, end.logPath);
      const setup = setupFailure(e, (await fileTail(end.logPath, TAIL_LINES)) ?? [], r.plan.projectDir);
      return {
        status: end.timedOut ? 'timed-out' : 'failed',
        phase: 'setup',
        exitCode: end.exitCode,
        signal: end.signal,
        phases: { ...phases, setup: end.durationMs },
        ...(end.step !== undefined && { step: end.step }),
        message: e.message,
        setup,
      };
    }
    log.write(`# could not prepare the cell: ${messageOf(e)}\n${isVmError(e) && e.hint ? `# hint: ${e.hint}\n` : ''}`);
    return {
      status: r.signal?.aborted ? 'cancelled' : 'error',
      phase: 'image',
      exitCode: null,
      message: messageOf(e),
      phases,
    };
  }
  const { image, layer } = prepared;
  if (first) {
    const setup = layer ? `${layer.id}${layer.cached ? ' (cached)' : ''}` : 'none';
    log.write(`# image ${image.id} (${t.plan.cell.distro})\n# setup layer ${setup}\n`);
    if (layer?.logPath) await appendFileTo(log, layer.logPath);
  }
  return prepared;
}

/** The result of a cell that never started (a drain, a fail-fast, a kill came first). */
export function cancelledResult(cell: CellPlan, projectDir: string, runDir: string): CellResult {
  return {
    ...resultBase(cell, relative(projectDir, join(runDir, cell.logFile))),
    status: 'cancelled',
    exitCode: null,
    durationMs: 0,
    phases: { image: 0, setup: 0, test: 0 },
  };
}

/** What every result of a cell starts with; `logPath` is relative to the project. */
function resultBase(
  { cell }: CellPlan,
  logPath: string,
): Pick<CellResult, 'id' | 'slug' | 'distro' | 'arch' | 'axes' | 'logPath'> {
  return { id: cell.id, slug: cell.slug, distro: cell.distro, arch: cell.arch, axes: cell.axes, logPath };
}
