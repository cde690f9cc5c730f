import { Writable } from 'node:stream';

// A cell's output on its way to the log, cut into lines for the reporters: the live board shows the
// last one (so a hang is visible), `--follow` prints them all. Lines are handed on at most every
// `everyMs`, so a chatty cell costs a few events a second, not one per write.

export class OutputTap extends Writable {
  private partial = '';
  private lines: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly to: NodeJS.WritableStream, private readonly onLines: (lines: string[]) => void, private readonly everyMs = 200) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const parts = (this.partial + chunk.toString()).split('\n');
    this.partial = parts.pop()!;
    this.lines.push(...parts);
    this.timer ??= setTimeout(() => this.flushLines(), this.everyMs);
    if (this.to.write(chunk)) done();
    else this.to.once('drain', () => done());
  }

  /** Hands on what is left, an unfinished last line too, and stops the timer. */
  close(): void {
    if (this.partial) this.lines.push(this.partial);
    this.partial = '';
    this.flushLines();
  }

  private flushLines(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.onLines(lines);
  }
}
