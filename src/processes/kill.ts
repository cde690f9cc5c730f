import { isAlive, type Store } from '../store/index.js';
import { envError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import { killCell, readCellDir } from '../vps/index.js';
import { scanRunning, type RunningCell, type RunningRun, type Scan } from './ps.js';
import { findTarget } from './target.js';

// `vmatrix kill`: a run is asked to stop with SIGTERM (it kills its running cells at once, starts
// no more and still writes its results), or ended at once with --force (SIGKILL: its cells die with it
// through their parent-death signal, the next start sweeps the rest). A cell is killed through its
// cgroups; its run goes on and records it as failed, killed by SIGKILL.

export interface KillOptions {
  /** A run: SIGKILL instead of SIGTERM. */
  force?: boolean;
  /** How long to wait for the run or cell to end (default: 30s for SIGTERM, 10s otherwise). */
  waitMs?: number;
}

export type KillOutcome =
  | {
      kind: 'run';
      run: RunningRun;
      signal: 'SIGTERM' | 'SIGKILL';
      /** false: it ended before we signalled it */ signalled: boolean;
    }
  | { kind: 'cell'; cell: RunningCell; processes: number };

export async function killRunning(store: Store, name: string, o: KillOptions = {}): Promise<KillOutcome> {
  const scan = await scanRunning(store);
  const target = findTarget(name, scan.runs, scan.cells);
  return target.kind === 'run' ? killRun(target.run, o) : killOneCell(target.cell, o);
}

async function killRun(run: Scan['runs'][number], o: KillOptions): Promise<KillOutcome> {
  const { live, ...view } = run;
  const signal = o.force ? 'SIGKILL' : 'SIGTERM';
  // The pid may have ended, and been reused, since the scan: the owner record (pid + start time) is checked
  // again right before the signal.
  if (!(await isAlive(live.owner))) return { kind: 'run', run: view, signal, signalled: false };
  signalProcess(live.owner.pid, signal, `run ${run.id}`);
  const waitMs = o.waitMs ?? (o.force ? 10_000 : 30_000);
  if (!(await until(async () => !(await isAlive(live.owner)), waitMs))) {
    throw envError(
      'STILL_RUNNING',
      `run ${run.id}: vmatrix (pid ${run.pid}) got ${signal} but is still running after ${formatDuration(waitMs)}`,
      {
        hint: o.force
          ? 'a process stuck in the kernel (state D in ps) dies once its I/O ends'
          : `\`vmatrix kill ${run.id} --force\` ends it at once`,
      },
    );
  }
  return { kind: 'run', run: view, signal, signalled: true };
}

async function killOneCell(cell: Scan['cells'][number], o: KillOptions): Promise<KillOutcome> {
  const { dir, ...view } = cell;
  const waitMs = o.waitMs ?? 10_000;
  let processes = 0;
  // A cell whose runtime has not created its cgroup yet has no process to kill: try again for a moment.
  const deadline = Date.now() + Math.min(waitMs, 3_000);
  do {
    processes = await killCell(cell.container, (await readCellDir(dir))?.launcher);
    if (processes > 0 || !(await readCellDir(dir))) break;
    await sleep(100);
  } while (Date.now() < deadline);
  if (processes === 0) return { kind: 'cell', cell: view, processes };
  if (!(await until(async () => !(await readCellDir(dir)), waitMs))) {
    throw envError(
      'STILL_RUNNING',
      `cell ${cell.cell} [${cell.container}]: its processes were killed but its run has not released it after ` +
        `${formatDuration(waitMs)}`,
      {
        hint:
          `\`vmatrix ps\` shows whether it is still there; \`vmatrix kill ${cell.run ?? cell.container} ` +
          `--force\` ends its run`,
      },
    );
  }
  return { kind: 'cell', cell: view, processes };
}

function signalProcess(pid: number, signal: NodeJS.Signals, what: string): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return; // ended just now: the wait below sees it gone
    if (code === 'EPERM')
      throw envError('NOT_PERMITTED', `${what}: not permitted to signal vmatrix (pid ${pid})`, {
        hint: 'run as the user who started it (root for the default store)',
        cause: e,
      });
    throw e;
  }
}

async function until(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
