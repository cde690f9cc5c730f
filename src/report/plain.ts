import { explainHint } from './explain-hint.js';
import { join, relative } from 'node:path';
import { fileTail, TAIL_LINES } from '../util/tail.js';
import { formatDuration } from '../util/duration.js';
import { inert, inertLine } from '../util/inert.js';
import { formatSize } from '../util/size.js';
import { isFailure } from '../results/index.js';
import type { AttemptResult, CellResult, RunResult } from '../results/types.js';
import type { EventOf, Reporter } from './types.js';
import { DownloadLine } from './download-line.js';
import { hasSetupFailure, setupLines, type ShownSetups } from './setup.js';
import { paint, STATUS_LABEL, useColor } from './style.js';

export interface PlainOptions {
  /** Colour the labels (default: stdout is a terminal and NO_COLOR is not set); `--no-color` gives false. */
  color?: boolean;
  /** Stamp the first line of each cell's block with this clock's local time (HH:MM:SS); none: no stamp. */
  clock?: () => Date;
}

// One block per cell as it finishes (its line, then the tail of a failed cell's log, so that the reason is
// on screen without opening a file), written at once so that blocks never interleave; then a summary.
// Cell blocks go to stdout, progress to stderr. No cursor movement: this is what CI logs get.
export class PlainReporter implements Reporter {
  private readonly color: boolean;
  private readonly clock?: () => Date;
  private pending = Promise.resolve();
  private readonly downloads: DownloadLine;
  private readonly setups: ShownSetups = new Map();

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
    private readonly projectDir = process.cwd(),
    options: PlainOptions = {},
  ) {
    this.color = options.color ?? useColor(out);
    this.clock = options.clock;
    this.downloads = new DownloadLine(err);
  }

  onDownload(event: EventOf<'download'>): void {
    this.chain(() => this.downloads.update(event));
  }

  onRunStart(event: EventOf<'run-start'>): void {
    const runtime = event.runtimeReason.replace(/^(\w+): (.*)$/, '$1 ($2)');
    const cells = `${event.cells.length} cell${event.cells.length === 1 ? '' : 's'}`;
    this.print(() => {
      this.err.write(`vmatrix: ${cells}, ${event.jobs} at a time; runtime: ${runtime}\n`);
    });
  }

  onProgress(event: EventOf<'progress'>): void {
    const line = paint(this.color, 'dim', `  ${inertLine(event.scope)}: ${inert(event.message)}`);
    this.print(() => {
      this.err.write(`${line}\n`);
    });
  }

  // A cell's start or output prints nothing here, but ends the download line as any other event does.
  onCellStarted(): void {
    this.print(() => {});
  }

  onCellOutput(): void {
    this.print(() => {});
  }

  onCellEnded(result: CellResult): void {
    this.print(() => this.block(result));
  }

  onRunEnd(event: EventOf<'run-end'>): void {
    this.print(() => this.summary(event.result, event.runDir));
  }

  /** Resolves when everything received so far is printed. */
  flush(): Promise<void> {
    return this.pending;
  }

  /** Writes are chained so that a failed cell's tail never interleaves with the next cell's line. */
  private chain(write: () => void | Promise<void>): void {
    this.pending = this.pending.then(write).catch(() => {});
  }

  /** Output other than a download's: the download line is wiped first, so that the two do not run together. */
  private print(write: () => void | Promise<void>): void {
    this.chain(() => {
      this.downloads.clear();
      return write();
    });
  }

  private async block(r: CellResult): Promise<void> {
    const stamp = this.clock ? `${paint(this.color, 'dim', clockTime(this.clock()))} ` : '';
    const lines = [stamp + cellLine(r, this.color)];
    for (const warning of r.warnings ?? []) lines.push(paint(this.color, 'yellow', `     ! ${inert(warning)}`));
    if (hasSetupFailure(r)) {
      lines.push(...setupLines(r, this.color, this.setups));
    } else if (isFailure(r.status)) {
      const tail = await logTail(join(this.projectDir, r.logPath), TAIL_LINES);
      for (const line of tail) lines.push(paint(this.color, 'dim', `     │ ${inertLine(line)}`));
      lines.push(paint(this.color, 'dim', `     └ full log: ${inertLine(r.logPath)}`));
    }
    // One write per block: nothing else written to stdout (a followed cell's output) can land inside it.
    this.out.write(`${lines.join('\n')}\n`);
  }

  private summary(result: RunResult, runDir: string): void {
    const s = result.summary;
    const parts = [`${s.passed} passed${s.flaky ? ` (${s.flaky} flaky)` : ''}`, `${s.failed} failed`];
    if (s.timedOut) parts.push(`${s.timedOut} timed out`);
    if (s.oomKilled) parts.push(`${s.oomKilled} out of memory`);
    if (s.errors) parts.push(`${s.errors} could not run`);
    if (s.cancelled) parts.push(`${s.cancelled} cancelled`);
    const ok = s.passed === s.total;
    const line = `${s.total} cell${s.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
    this.out.write(`\n${paint(this.color, ok ? 'green' : 'red', line)} in ${formatDuration(result.durationMs)}\n`);
    this.out.write(
      paint(this.color, 'dim', `results: ${relative(process.cwd(), join(runDir, 'results.json'))}`) + '\n',
    );
    const hint = explainHint(result);
    if (hint) this.out.write(`${paint(this.color, 'dim', hint)}\n`);
  }
}

/** A finished cell's line: label, duration, id and why it did not pass. */
export function cellLine(r: CellResult, color: boolean): string {
  const { label, tone } = STATUS_LABEL[r.status];
  const why = r.status === 'passed' ? '' : `  ${inert(describeFailure(r))}`;
  // FLAKY is one letter longer than the other labels: the duration gives it back, so columns stay aligned.
  const duration = formatDuration(r.durationMs).padStart(11 - label.length);
  return `${paint(color, tone, label)} ${duration}  ${inertLine(r.id)}${why}`;
}

/** HH:MM:SS in local time. */
export function clockTime(d: Date): string {
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Why a cell did not simply pass, in parentheses; the attempts when it was retried. */
export function describeFailure(r: CellResult): string {
  const tries = r.attempts?.length ?? 1;
  if (r.status === 'flaky')
    return `(passed on attempt ${tries}; ${r.attempts!.slice(0, -1).map(attemptFailure).join('; ')})`;
  const why = failure(r);
  return tries > 1 ? `(${why}, ${tries} attempts)` : `(${why})`;
}

function failure(
  r: Pick<CellResult, 'status' | 'phase' | 'step' | 'steps' | 'exitCode' | 'signal' | 'memoryLimit' | 'message'>,
): string {
  const own = r.steps?.find((s) => s.timedOut);
  const setupStep = r.phase === 'setup' && r.step !== undefined ? `setup step "${r.step}"` : undefined;
  if (r.status === 'timed-out') {
    if (own) return `step "${own.name}" timed out after ${formatDuration(own.timeoutMs ?? own.durationMs)}`;
    return setupStep ? `${setupStep} timed out` : `timed out in ${r.phase ?? 'test'}`;
  }
  if (r.status === 'oom-killed')
    return `killed: out of memory${r.memoryLimit ? `, limit ${formatSize(r.memoryLimit).replace('.0 ', ' ')}` : ''}`;
  if (r.status === 'error') return r.message ?? 'could not run';
  if (r.status === 'cancelled') return r.message ? `cancelled: ${r.message}` : 'cancelled';
  const what = setupStep ?? (r.step !== undefined && r.phase === 'test' ? `step "${r.step}"` : (r.phase ?? 'test'));
  return r.signal ? `${what} killed by ${r.signal}` : `${what} exited ${r.exitCode}`;
}

function attemptFailure(a: AttemptResult): string {
  // Only a test that failed or timed out is retried: every earlier attempt failed in the test phase.
  const why = a.status === 'timed-out' && a.step ? `step "${a.step}" timed out` : failure({ ...a, phase: 'test' });
  return `attempt ${a.attempt}: ${why}`;
}

async function logTail(path: string, lines: number): Promise<string[]> {
  return (await fileTail(path, lines)) ?? [];
}
