import { formatDuration } from '../util/duration.js';
import { inertLine } from '../util/inert.js';

// Download progress for people. On a terminal: one status line for every download in flight, rewritten
// in place (\r) at most 5 times a second. Elsewhere (a CI log) \r would pile up, so a line per image at
// most every 10 s or each 25%.

export interface DownloadProgress {
  scope: string;
  bytes: number;
  total?: number;
  bytesPerSecond?: number;
  etaSeconds?: number;
}

const REDRAW_MS = 200;
const LOG_MS = 10_000;

export class DownloadLine {
  private readonly active = new Map<string, DownloadProgress>();
  private readonly logged = new Map<string, { at: number; quarter: number }>();
  private lastDraw = 0;
  private shown = false;

  constructor(
    private readonly err: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly tty = !!err.isTTY,
  ) {}

  update(e: DownloadProgress): void {
    const done = e.total !== undefined && e.bytes >= e.total;
    if (!this.tty) return this.log(e, done);
    if (done) this.active.delete(e.scope);
    else this.active.set(e.scope, e);
    if (!done && Date.now() - this.lastDraw < REDRAW_MS) return;
    this.draw();
  }

  /** Wipes the status line so that other output does not run into it; the next update draws it again. */
  clear(): void {
    if (this.shown) this.err.write('\r\x1b[K');
    this.shown = false;
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const text = [...this.active.values()].map(describe).join('  |  ');
    this.err.write(`\r\x1b[K${text}`);
    this.shown = text.length > 0;
  }

  private log(e: DownloadProgress, done: boolean): void {
    const quarter = e.total ? Math.floor((e.bytes / e.total) * 4) : 0;
    const prev = this.logged.get(e.scope);
    this.logged.set(e.scope, prev ?? { at: Date.now(), quarter });
    if (!prev || (!done && quarter <= prev.quarter && Date.now() - prev.at < LOG_MS) || (done && prev.quarter === 4))
      return;
    this.logged.set(e.scope, { at: Date.now(), quarter: done ? 4 : quarter });
    this.err.write(`  ${describe(e)}\n`);
  }
}

export function describe(e: DownloadProgress): string {
  const parts = [`${inertLine(e.scope)}: ${mb(e.bytes)}${e.total ? `/${mb(e.total)}` : ''} MB`];
  if (e.total) parts[0] += ` (${Math.floor((e.bytes / e.total) * 100)}%)`;
  if (e.bytesPerSecond) parts.push(`${mb(e.bytesPerSecond)} MB/s`);
  if (e.etaSeconds !== undefined && e.total && e.bytes < e.total)
    parts.push(`ETA ${formatDuration(e.etaSeconds * 1000)}`);
  return parts.join('  ');
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
