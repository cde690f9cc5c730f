import { explainHint } from './explain-hint.js';
import type { createLogUpdate } from 'log-update';
import type { Cell } from '../matrix/types.js';
import { isPass } from '../results/index.js';
import type { CellResult, RunResult } from '../results/types.js';
import { Board, summaryGrid } from './board.js';
import { cellLine } from './plain.js';
import { hasSetupFailure, setupLines, type ShownSetups } from './setup.js';
import { summaryLine } from './text.js';
import { paint } from './style.js';
import { inert, inertLine } from '../util/inert.js';
import type { EventOf, Reporter } from './types.js';

// The live board on a terminal: the board (board.ts) redrawn in place a few times a second, then the
// final board, a distro × configuration grid and the summary. log-update does the in-place redraw: it
// erases exactly the lines it drew last time (however the terminal wrapped them), hides the cursor while
// drawing and restores it on exit, which hand-written \r and cursor-up codes get wrong on resize.

const REDRAW_MS = 250;

export interface TtyOptions {
  color: boolean;
  follow?: string;
  now?: () => number;
}

export class TtyReporter implements Reporter {
  private readonly board: Board;
  private readonly draw: ReturnType<typeof createLogUpdate>;
  private timer?: NodeJS.Timeout;
  private cells: Cell[] = [];

  /** log-update is loaded only for a terminal: a run in CI or with `--reporter plain` never pays for it. */
  static async create(out: NodeJS.WriteStream, o: TtyOptions): Promise<TtyReporter> {
    const { createLogUpdate } = await import('log-update');
    return new TtyReporter(out, o, createLogUpdate(out));
  }

  private constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly o: TtyOptions,
    draw: ReturnType<typeof createLogUpdate>,
  ) {
    this.board = new Board(o.now);
    this.draw = draw;
  }

  onRunStart(e: EventOf<'run-start'>): void {
    this.board.update(e);
    this.cells = e.cells;
    this.timer = setInterval(() => this.redraw(), REDRAW_MS);
    this.timer.unref();
  }

  onProgress(e: EventOf<'progress'>): void {
    this.board.update(e);
  }

  onDownload(e: EventOf<'download'>): void {
    this.board.update(e);
  }

  onCellStarted(cell: Cell): void {
    this.board.update({ type: 'cell-start', cell });
  }

  onCellOutput(e: EventOf<'cell-output'>): void {
    this.board.update(e);
    if (e.cell !== this.o.follow) return;
    // A followed cell's lines scroll above the board: wipe it, print them, draw it again below.
    this.draw.clear();
    this.out.write(followed(e.cell, e.lines, this.o.color));
    this.redraw();
  }

  onCellEnded(result: CellResult): void {
    this.board.update({ type: 'cell-end', result });
  }

  onRunEnd(e: EventOf<'run-end'>): void {
    this.finish(e.result);
  }

  private redraw(): void {
    this.draw(this.board.render(this.out.columns || 80, this.o.color, (this.out.rows || 24) - 1).join('\n'));
  }

  private finish(result: RunResult): void {
    clearInterval(this.timer);
    // The final board in full: it stays in the terminal's scrollback.
    this.draw(this.board.render(this.out.columns || 80, this.o.color).join('\n'));
    this.draw.done();
    const failed = result.cells.filter((r) => !isPass(r.status));
    const lines = ['', ...summaryGrid(this.cells, result.cells, this.o.color), ''];
    const setups: ShownSetups = new Map();
    for (const r of failed) {
      lines.push(
        cellLine(r, this.o.color),
        ...(hasSetupFailure(r)
          ? setupLines(r, this.o.color, setups)
          : [paint(this.o.color, 'dim', `     └ log: ${r.logPath}`)]),
      );
    }
    for (const r of result.cells)
      for (const w of r.warnings ?? []) lines.push(paint(this.o.color, 'yellow', `! ${inertLine(r.id)}: ${inert(w)}`));
    const ok = result.summary.passed === result.summary.total;
    lines.push(`${paint(this.o.color, ok ? 'green' : 'red', summaryLine(result.summary))}`);
    const hint = explainHint(result);
    if (hint) lines.push(paint(this.o.color, 'dim', hint));
    this.out.write(`${lines.join('\n')}\n`);
  }
}

/** `--follow` beside the plain reporter: the cell's lines go to stdout as they come, prefixed by its id. */
export class FollowReporter implements Reporter {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly cell: string,
  ) {}

  onCellOutput(e: EventOf<'cell-output'>): void {
    if (e.cell === this.cell) this.out.write(followed(e.cell, e.lines, false));
  }
}

/** A followed cell's lines, each prefixed by its id; the output is the cell's, so it is shown, not obeyed. */
export function followed(cell: string, lines: string[], color: boolean): string {
  const prefix = `${paint(color, 'dim', `${inertLine(cell)} │`)} `;
  // A carriage return inside a line is shown too: it would let the line overwrite the prefix.
  return lines.map((l) => `${prefix}${inertLine(l.replace(/\r+$/, ''))}\n`).join('');
}
