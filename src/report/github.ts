import { randomBytes } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isFailure } from '../results/index.js';
import type { CellResult, CellStatus, RunResult } from '../results/types.js';
import { inert, inertLine } from '../util/inert.js';
import { fileTail } from '../util/tail.js';
import { describeFailure } from './plain.js';
import { clean } from './junit.js';
import { summaryLine } from './text.js';
import type { EventOf, Reporter } from './types.js';

// On GitHub Actions: an `::error` workflow command per failed cell, which GitHub shows as an annotation
// on the run, and a markdown summary appended to the file $GITHUB_STEP_SUMMARY names, shown on the run's
// page. Both at the end of the run, in matrix order. Escaping follows GitHub's toolkit (@actions/core):
// in a command's message %, CR and LF are escaped; in a property also : and , (they separate properties).
//
// A cell's output is echoed to the same log (a failed cell's tail, `--follow`), and the runner acts on any
// line that starts with `::` (or holds `##[`): from run-start until its own commands, this reporter stops
// the runner's command processing (`::stop-commands::TOKEN`), with a token no cell ever sees.

const TAIL_LINES = 20;

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error title=…::…` for a cell that did not pass: why, and the tail of its log when there is one. */
export function errorCommand(cell: CellResult, logTail?: string): string {
  const why = describeFailure(cell).replace(/^\((.*)\)$/s, '$1');
  const message = inert([why, ...(logTail ? ['', clean(logTail)] : []), '', `full log: ${cell.logPath}`].join('\n'));
  return `::error title=${escapeProperty(inertLine(`vmatrix: ${cell.id} ${cell.status}`))}::${escapeData(message)}\n`;
}

const COLUMNS: CellStatus[] = ['passed', 'flaky', 'failed', 'timed-out', 'oom-killed', 'error', 'cancelled'];

/** The step summary: counts per distro and status, then the cells that failed with their step and exit code. */
export function markdownSummary(result: RunResult): string {
  const distros = [...new Set(result.cells.map((c) => c.distro))];
  const count = (distro: string, status: CellStatus): number =>
    result.cells.filter((c) => c.distro === distro && c.status === status).length;
  const lines = [
    `### vmatrix: ${summaryLine(result.summary)}`,
    '',
    `| distro | ${COLUMNS.join(' | ')} |`,
    `|---|${COLUMNS.map(() => '---:').join('|')}|`,
  ];
  for (const d of distros) lines.push(`| ${cellText(d)} | ${COLUMNS.map((s) => count(d, s)).join(' | ')} |`);
  const failed = result.cells.filter((c) => isFailure(c.status));
  if (failed.length > 0) {
    lines.push('', '#### Failed cells', '', '| cell | status | phase | step | exit code |', '|---|---|---|---|---:|');
    for (const c of failed) {
      lines.push(`| ${cellText(c.id)} | ${c.status} | ${c.phase ?? ''} | ${cellText(c.step ?? '')} | ${exitOf(c)} |`);
    }
  }
  return `${lines.join('\n')}\n\n`;
}

function exitOf(c: CellResult): string | number {
  return c.exitCode ?? (c.signal ? cellText(c.signal) : '');
}

/** Text that stays inside one cell of a markdown table. */
function cellText(text: string): string {
  return inertLine(text.replace(/[\r\n]+/g, ' '))
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|');
}

/** Active only on GitHub Actions (GITHUB_ACTIONS=true); the summary only when GITHUB_STEP_SUMMARY is set. */
export class GithubReporter implements Reporter {
  private readonly token = randomBytes(16).toString('hex');
  private stopped = false;

  /** `echoes`: the reporters that echo cells' output to the log; their writes end before commands resume. */
  constructor(
    private readonly projectDir: string,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly echoes: Reporter[] = [],
  ) {}

  static enabled(env: NodeJS.ProcessEnv = process.env): boolean {
    return env.GITHUB_ACTIONS === 'true';
  }

  onRunStart(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.out.write(`::stop-commands::${this.token}\n`);
  }

  onRunEnd({ result }: EventOf<'run-end'>): Promise<void> {
    return this.finish(result);
  }

  private async finish(result: RunResult): Promise<void> {
    await Promise.all(this.echoes.map((r) => r.flush?.() ?? Promise.resolve()));
    if (this.stopped) this.out.write(`::${this.token}::\n`);
    this.stopped = false;
    for (const cell of result.cells.filter((c) => isFailure(c.status))) {
      const tail = await fileTail(join(this.projectDir, cell.logPath), TAIL_LINES);
      this.out.write(errorCommand(cell, tail?.join('\n')));
    }
    const file = this.env.GITHUB_STEP_SUMMARY;
    if (!file) return;
    await appendFile(file, markdownSummary(result)).catch((e: unknown) => {
      this.err.write(`vmatrix: could not write the step summary to ${file}: ${(e as Error).message}\n`);
    });
  }
}
