import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatDuration } from '../util/duration.js';
import { formatSize } from '../util/size.js';
import type { CellResult, RunEvent, RunResult } from '../run/types.js';
import type { Reporter } from './types.js';
import { DownloadLine } from './download-line.js';
import { paint, STATUS_LABEL, useColor } from './style.js';

const TAIL_LINES = 15;

// One line per cell as it finishes, then a summary; the tail of a failed cell's log is printed with it
// so that the reason is on screen without opening a file. Cell lines go to stdout, progress to stderr.
export class PlainReporter implements Reporter {
  private readonly color: boolean;
  private pending = Promise.resolve();
  private readonly downloads: DownloadLine;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout, private readonly err: NodeJS.WriteStream = process.stderr,
    private readonly projectDir = process.cwd()) {
    this.color = useColor(out);
    this.downloads = new DownloadLine(err);
  }

  onEvent(event: RunEvent): void {
    // Writes are chained so that a failed cell's tail never interleaves with the next cell's line.
    this.pending = this.pending.then(() => this.handle(event)).catch(() => {});
  }

  /** Resolves when everything received so far is printed. */
  flush(): Promise<void> {
    return this.pending;
  }

  private async handle(event: RunEvent): Promise<void> {
    if (event.type === 'download') return this.downloads.update(event);
    this.downloads.clear();
    switch (event.type) {
      case 'run-start':
        this.err.write(`vmatrix: ${event.cells.length} cell${event.cells.length === 1 ? '' : 's'}, ${event.jobs} at a time; runtime: ${event.runtimeReason.replace(/^(\w+): (.*)$/, '$1 ($2)')}\n`);
        return;
      case 'progress':
        this.err.write(paint(this.color, 'dim', `  ${event.scope}: ${event.message}`) + '\n');
        return;
      case 'cell-end':
        return this.cellLine(event.result);
      case 'run-end':
        this.summary(event.result, event.runDir);
        return;
      default:
    }
  }

  private async cellLine(r: CellResult): Promise<void> {
    const { label, tone } = STATUS_LABEL[r.status];
    const why = r.status === 'passed' ? '' : `  ${describeFailure(r)}`;
    this.out.write(`${paint(this.color, tone, label)} ${formatDuration(r.durationMs).padStart(7)}  ${r.id}${why}\n`);
    if (r.status === 'passed' || r.status === 'cancelled') return;
    const tail = await logTail(join(this.projectDir, r.logPath), TAIL_LINES);
    for (const line of tail) this.out.write(paint(this.color, 'dim', `     │ ${line}`) + '\n');
    this.out.write(paint(this.color, 'dim', `     └ full log: ${r.logPath}`) + '\n');
  }

  private summary(result: RunResult, runDir: string): void {
    const s = result.summary;
    const parts = [`${s.passed} passed`, `${s.failed} failed`];
    if (s.timedOut) parts.push(`${s.timedOut} timed out`);
    if (s.oomKilled) parts.push(`${s.oomKilled} out of memory`);
    if (s.errors) parts.push(`${s.errors} could not run`);
    if (s.cancelled) parts.push(`${s.cancelled} cancelled`);
    const ok = s.passed === s.total;
    this.out.write(`\n${paint(this.color, ok ? 'green' : 'red', `${s.total} cell${s.total === 1 ? '' : 's'}: ${parts.join(', ')}`)} in ${formatDuration(result.durationMs)}\n`);
    this.out.write(paint(this.color, 'dim', `results: ${relative(process.cwd(), join(runDir, 'results.json'))}`) + '\n');
  }
}

export function describeFailure(r: CellResult): string {
  if (r.status === 'timed-out') return `(timed out in ${r.phase ?? 'test'})`;
  if (r.status === 'oom-killed') return `(killed: out of memory${r.memoryLimit ? `, limit ${formatSize(r.memoryLimit).replace('.0 ', ' ')}` : ''})`;
  if (r.status === 'error') return `(${r.message ?? 'could not run'})`;
  if (r.status === 'cancelled') return '(cancelled)';
  if (r.signal) return `(${r.phase ?? 'test'} killed by ${r.signal})`;
  return `(${r.phase ?? 'test'} exited ${r.exitCode})`;
}

async function logTail(path: string, lines: number): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.replace(/\n$/, '').split('\n').slice(-lines);
}
