import type { Cell } from '../matrix/types.js';
import type { CellResult, RunEvent } from '../results/types.js';
import { formatDuration } from '../util/duration.js';
import { inertLine } from '../util/inert.js';
import { shownLine } from '../util/tail.js';
import { describe as describeDownload, type DownloadProgress } from './download-line.js';
import { paint, STATUS_LABEL, type Tone } from './style.js';
import { stripAnsi } from '../util/ansi.js';

// The live board's state and its picture: one row per cell (queued / pulling 43% / setup / running 0:12 /
// its result), the last line a running cell printed, image downloads with a bar. Pure: the TTY reporter
// feeds it events and draws `render()` a few times a second; tests call it with a fixed clock.

interface Row {
  cell: Cell;
  started?: number;
  last?: string;
  result?: CellResult;
}

export class Board {
  private readonly rows = new Map<string, Row>();
  private readonly downloads = new Map<string, DownloadProgress>();
  private readonly setup = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  update(e: RunEvent): void {
    if (e.type === 'run-start') for (const cell of e.cells) this.rows.set(cell.id, { cell });
    else if (e.type === 'download') this.download(e);
    else if (e.type === 'progress' && /setup layer/.test(e.message)) this.setup.add(e.scope);
    else if (e.type === 'cell-start') this.rows.set(e.cell.id, { cell: e.cell, started: this.now() });
    else if (e.type === 'cell-output') this.lastLine(e.cell, e.lines);
    else if (e.type === 'cell-end') {
      const row = this.rows.get(e.result.id);
      if (row) row.result = e.result;
    }
  }

  /**
   * The board as lines of at most `width` columns and, when `height` is given, at most that many lines:
   * finished cells then give way to one count, so that what is still going on stays on screen (a redraw
   * in place cannot reach lines that scrolled off the top).
   */
  render(width: number, color: boolean, height = Infinity): string[] {
    const lines = [...this.downloads.values()].map((d) => fit(`${bar(d)} ${describeDownload(d)}`, width));
    const idWidth = Math.min(
      Math.max(0, ...[...this.rows.keys()].map((id) => inertLine(id).length)),
      Math.floor(width / 2),
    );
    let rows = [...this.rows.values()];
    if (lines.length + rows.length > height) {
      const done = rows.filter((r) => r.result).length;
      rows = rows.filter((r) => !r.result).slice(0, Math.max(0, height - lines.length - 1));
      lines.push(
        fit(
          `${done} cell${done === 1 ? '' : 's'} finished, ${this.rows.size - done - rows.length} more not shown`,
          width,
        ),
      );
    }
    for (const row of rows) {
      const { text, tone } = this.state(row);
      const rest = fit(
        ` ${inertLine(row.cell.id).padEnd(idWidth)}${row.last && !row.result ? `  ${row.last}` : ''}`,
        width - text.length,
      );
      lines.push((paint(color, tone, text) + rest).trimEnd());
    }
    return lines;
  }

  private state(row: Row): { text: string; tone: Tone } {
    if (row.result) {
      const { label, tone } = STATUS_LABEL[row.result.status];
      return { text: `${label.trim().padEnd(5)} ${formatDuration(row.result.durationMs).padStart(7)}`, tone };
    }
    if (row.started !== undefined)
      return { text: `running ${clock(this.now() - row.started)}`.padEnd(13), tone: 'bold' };
    const d = this.downloads.get(row.cell.distro);
    if (d)
      return { text: `pulling ${d.total ? `${Math.floor((d.bytes / d.total) * 100)}%` : ''}`.padEnd(13), tone: 'dim' };
    if (this.setup.has(row.cell.distro)) return { text: 'setup'.padEnd(13), tone: 'dim' };
    return { text: 'queued'.padEnd(13), tone: 'dim' };
  }

  private download(e: DownloadProgress): void {
    if (e.total !== undefined && e.bytes >= e.total) this.downloads.delete(e.scope);
    else this.downloads.set(e.scope, e);
  }

  private lastLine(id: string, lines: string[]): void {
    const row = this.rows.get(id);
    // Carriage returns (progress bars of the cell's own tools): the text after the last one is what shows.
    // Colour codes are dropped (a coloured line is common and harmless); any other control is shown escaped.
    const last = lines
      .map((l) => stripAnsi(shownLine(l)).replace(/\t/g, ' ').trim())
      .filter(Boolean)
      .pop();
    if (row && last) row.last = inertLine(last);
  }
}

/** The summary grid of a finished run: distros down, configurations across, each cell's label. */
export function summaryGrid(cells: Cell[], results: CellResult[], color: boolean): string[] {
  const config = (c: Cell) =>
    inertLine(
      Object.entries(c.axes)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-',
    );
  const distros = [...new Set(cells.map((c) => c.distro))];
  const configs = [...new Set(cells.map(config))];
  const byId = new Map(results.map((r) => [r.id, r]));
  const first = Math.max(6, ...distros.map((d) => inertLine(d).length));
  const widths = configs.map((c) => Math.max(5, c.length));
  const lines = [
    ['', ...configs]
      .map((t, i) => t.padEnd(i === 0 ? first : widths[i - 1]))
      .join('  ')
      .trimEnd(),
  ];
  for (const distro of distros) {
    const row = configs.map((c, i) => {
      const r = byId.get(cells.find((cell) => cell.distro === distro && config(cell) === c)?.id ?? '');
      const { label, tone } = r ? STATUS_LABEL[r.status] : { label: '·', tone: 'dim' as const };
      return paint(color, tone, label.trim()) + ' '.repeat(widths[i] - label.trim().length);
    });
    lines.push(`${inertLine(distro).padEnd(first)}  ${row.join('  ')}`.trimEnd());
  }
  return lines;
}

/** m:ss, as a stopwatch shows it. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function bar(d: DownloadProgress, size = 20): string {
  const done = d.total ? Math.min(size, Math.floor((d.bytes / d.total) * size)) : 0;
  return `[${'#'.repeat(done)}${'-'.repeat(size - done)}]`;
}

/** Cuts a line of plain text to `width` columns, marking the cut. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
