import { join, relative } from 'node:path';
import { planRun, type Plan } from '../plan/index.js';
import { giveToInvoker, makeRunsDir, runTests, type TestRunOptions } from '../pipeline/index.js';
import { realDirs } from '../util/host-fs.js';
import { Bisection, commitOf, requireRepository, type BisectState, type Verdict } from '../source/index.js';
import type { Store } from '../store/index.js';
import { isVmError, messageOf, usageError } from '../util/errors.js';
import type { CellResult, RunEvent } from '../results/index.js';

// `vmatrix bisect <cell> --good REV --bad REV`: git bisect of the project in exactly one cell. Each commit git
// asks about is planned from its own vmatrix.yml (or the --config given), snapshotted from a shared clone in the
// store (source/bisect.ts: the user's repository is never written) and run as a one-cell `vmatrix test` on
// the cached setup layer, which is rebuilt only when that commit's recipe differs. vmatrix's verdict, never
// the step's exit code, is what git is told: a project test that exits 125 is a failure, not a skip.

export interface BisectOptions extends Pick<
  TestRunOptions,
  'runtime' | 'offline' | 'ceilings' | 'allowHostNetwork' | 'signal'
> {
  store: Store;
  /** The project's directory (where its config is); its repository is the one bisected. */
  projectDir: string;
  /** The config path as given (`--config`), read from the working tree for every commit; absent: each commit's own. */
  config?: string;
  /** The config's name in the repository (relative to the project dir), read at each commit when `config` is absent. */
  configName: string;
  cell: string;
  good: string;
  bad: string;
  /** `--run CMD`: the one test step, instead of the config's. */
  run?: string;
  /** The bisection's id: its runs go to `.vmatrix/bisect/<id>/` of the project, one run directory per commit. */
  id: string;
  /** One line per thing worth saying (the commit under test, its verdict). */
  onProgress?: (line: string) => void;
  /** The runs' events (setup layers, image downloads), for a reporter. */
  emit?: (event: RunEvent) => void;
}

/** One commit tested. */
export interface BisectStep {
  commit: string;
  subject: string;
  verdict: Verdict;
  /** The cell's status, or `not run` when the commit could not be planned (a config the commit gets wrong). */
  status: CellResult['status'] | 'not run';
  /** Why: the failed step, the setup failure, the config error. */
  reason?: string;
  /** The cell's log, relative to the project dir. */
  logPath?: string;
  durationMs: number;
}

export interface BisectResult {
  cell: string;
  good: string;
  bad: string;
  /** The first bad commit, when git could tell. */
  firstBad?: { commit: string; subject: string; logPath?: string };
  /** Only skipped commits were left: the first bad commit is one of these. */
  candidates?: string[];
  steps: BisectStep[];
  /** How many cells ran (steps, plus a confirmation of --bad or --good when the result rests on it untested). */
  cells: number;
  /** The runs' directory, relative to the project dir. */
  output: string;
}

/** The bisection's outcome; a Ctrl-C (signal) throws CANCELLED, a host problem in a cell throws. */
export async function bisectCell(o: BisectOptions): Promise<BisectResult> {
  await requireRepository(o.projectDir);
  const good = await commitOf(o.projectDir, o.good, 'this repository');
  const bad = await commitOf(o.projectDir, o.bad, 'this repository');
  await o.store.init();
  // Real directories of the project's, never a link it committed (rule 29), given to sudo's user at the end.
  const made = [
    ...(await makeRunsDir(o.projectDir)).made,
    ...(await realDirs(o.projectDir, ['.vmatrix', 'bisect', o.id])),
  ];
  const output = join(o.projectDir, '.vmatrix', 'bisect', o.id);
  const staging = await o.store.staging('bisect');
  try {
    const [bisection, first] = await Bisection.start(o.projectDir, staging, good, bad);
    const tester = new CommitTester(o, bisection, output);
    // The cell must be one of --bad's matrix: a cell id mistyped would otherwise be a skip at every commit.
    await tester.plan(bad);
    const span = await bisection.span(good, bad);
    const cells = first.kind === 'next' ? first.steps + 1 : 0;
    o.onProgress?.(
      `${o.cell}: ${span} commit${span === 1 ? '' : 's'} after ${good.slice(0, 12)} up to ${bad.slice(0, 12)}` +
        (cells > 0 ? `, about ${cells} cell${cells === 1 ? '' : 's'}` : ''),
    );
    const steps: BisectStep[] = [];
    let state: BisectState = first;
    while (state.kind === 'next') {
      const step = await tester.test(state.commit, steps.length + 1, state.steps);
      steps.push(step);
      state = await bisection.mark(step.verdict);
    }
    const result: BisectResult = {
      cell: o.cell,
      good,
      bad,
      steps,
      cells: steps.length,
      output: relative(o.projectDir, output),
    };
    if (state.kind === 'ambiguous') return { ...result, candidates: state.candidates };
    const found = state.commit;
    const tested = steps.find((s) => s.commit === found);
    if (tested) return { ...result, firstBad: { commit: found, subject: tested.subject, logPath: tested.logPath } };
    // git names a commit it never asked about only when it is --bad itself (every commit tested was good):
    // the answer then rests on --bad failing in this cell, which is tested once rather than assumed.
    const confirm = await tester.test(found, steps.length + 1, 0);
    if (confirm.verdict === 'good')
      throw usageError('BAD_PASSES', `--bad ${o.bad} passes in ${o.cell}: there is nothing to bisect`, {
        hint: 'give --bad a commit that fails in this cell (vmatrix test --ref REV --cell CELL tries one)',
      });
    return {
      ...result,
      steps: [...steps, confirm],
      cells: steps.length + 1,
      ...(confirm.verdict === 'bad'
        ? { firstBad: { commit: found, subject: confirm.subject, logPath: confirm.logPath } }
        : { candidates: [found] }),
    };
  } finally {
    await o.store.discard(staging);
    await giveToInvoker(made);
  }
}

/** Tests one commit in the cell: plans it, runs it, turns its result into a verdict. */
class CommitTester {
  constructor(
    private readonly o: BisectOptions,
    private readonly bisection: Bisection,
    /** Where each commit's run directory goes. */
    private readonly output: string,
  ) {}

  async test(commit: string, n: number, stepsLeft: number): Promise<BisectStep> {
    const { o } = this;
    const started = Date.now();
    const subject = await this.bisection.subject(commit);
    o.onProgress?.(
      `[${n}] ${commit.slice(0, 12)} ${subject}${stepsLeft > 0 ? ` (about ${stepsLeft} more after it)` : ''}`,
    );
    const step = await this.run(commit, subject, started);
    o.onProgress?.(
      `[${n}] ${commit.slice(0, 12)} is ${step.verdict}: ${step.status}${step.reason ? `, ${step.reason}` : ''}` +
        `${step.logPath ? ` (log: ${step.logPath})` : ''}`,
    );
    return step;
  }

  private async run(commit: string, subject: string, started: number): Promise<BisectStep> {
    const { o } = this;
    const skipped = (reason: string): BisectStep => ({
      commit,
      subject,
      verdict: 'skip',
      status: 'not run',
      reason,
      durationMs: Date.now() - started,
    });
    let plan: Plan;
    try {
      plan = await this.plan(commit);
    } catch (e) {
      // The commit's config is wrong, or has no such cell: it cannot be tested, which is what a skip is for.
      if (isVmError(e) && e.exit === 2) return skipped(messageOf(e));
      throw e;
    }
    if (o.signal?.aborted) throw cancelled();
    const result = await runTests({
      plan,
      source: { repoDir: this.bisection.dir, ref: commit, label: 'this repository' },
      store: o.store,
      jobs: 1,
      output: this.output,
      runtime: o.runtime,
      offline: o.offline,
      ceilings: o.ceilings,
      allowHostNetwork: o.allowHostNetwork,
      keep: 'none',
      signal: o.signal,
      emit: o.emit ?? (() => {}),
    });
    const cell = result.cells[0];
    const verdict = verdictOf(cell);
    if (verdict === 'stop') {
      if (cell.status === 'cancelled' || o.signal?.aborted) throw cancelled();
      throw usageError(
        'BISECT_CELL_ERROR',
        `${o.cell} could not be run at ${commit.slice(0, 12)}: ${cell.message ?? cell.status}`,
        {
          hint: `its log: ${cell.logPath}; vmatrix marks no commit good or bad on a cell it could not run`,
        },
      );
    }
    return {
      commit,
      subject,
      verdict,
      status: cell.status,
      ...(reasonOf(cell) && { reason: reasonOf(cell) }),
      logPath: cell.logPath,
      durationMs: Date.now() - started,
    };
  }

  /** The plan of the one cell at `commit`: that commit's config (or the one given), its steps or --run's. */
  async plan(commit: string): Promise<Plan> {
    const { o } = this;
    const select = { cellIds: [o.cell], store: o.store, projectDir: o.projectDir };
    let plan: Plan;
    if (o.config) plan = await planRun(o.config, { ...select, configGiven: true });
    else {
      const name = `${this.bisection.prefix}${o.configName}`;
      const text = await this.bisection.fileAt(commit, name);
      if (text === undefined) throw usageError('CONFIG_NOT_FOUND', `commit ${commit.slice(0, 12)} has no ${name}`);
      plan = await planRun(join(o.projectDir, o.configName), {
        ...select,
        configText: { text, name: `${name}@${commit.slice(0, 12)}` },
      });
    }
    if (o.run === undefined) return plan;
    const run = o.run;
    return {
      ...plan,
      cellPlans: plan.cellPlans.map((c) => Object.freeze({ ...c, steps: [Object.freeze({ name: run, run })] })),
    };
  }
}

/** vmatrix's verdict on a cell: what git is told, or `stop` for a cell that says nothing about the commit. */
export function verdictOf(cell: CellResult): Verdict | 'stop' {
  if (cell.status === 'passed' || cell.status === 'flaky') return 'good';
  if (cell.phase === 'setup' && (cell.status === 'failed' || cell.status === 'timed-out')) return 'skip';
  if (cell.status === 'failed' || cell.status === 'timed-out' || cell.status === 'oom-killed') return 'bad';
  return 'stop';
}

function reasonOf(cell: CellResult): string | undefined {
  if (cell.status === 'passed' || cell.status === 'flaky') return undefined;
  if (cell.phase === 'setup') return `setup failed${cell.message ? `: ${cell.message}` : ''}`;
  if (cell.step !== undefined)
    return `step "${cell.step}" ${cell.status === 'failed' ? `exited ${cell.exitCode}` : cell.status}`;
  return cell.message;
}

/** A Ctrl-C (or SIGTERM) stopped the bisection: its cell was killed and its clone is removed. */
export class BisectCancelled extends Error {
  constructor() {
    super('bisect interrupted');
  }
}

function cancelled(): BisectCancelled {
  return new BisectCancelled();
}
