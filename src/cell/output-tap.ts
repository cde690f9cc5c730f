import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';
import { LINE_CUT, LINE_MAX } from '../util/tail.js';

// A cell's output on its way to the log, cut into lines for the reporters: the live board shows the
// last one (so a hang is visible), `--follow` prints them all. Lines are handed on at most every
// `everyMs`, so a chatty cell costs a few events a second, not one per write.
//
// The output is the project's: a line is kept to LINE_MAX characters (the rest of it is dropped, and the
// line says so), each chunk is scanned once, and a batch is handed on early when it grows large, so that
// a gigabyte without a newline costs neither memory nor quadratic time. The log gets every byte.

/** A batch this large is handed on without waiting for the timer. */
const BATCH_MAX = 1024 * 1024;

export class OutputTap extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private cut = false;
  private lines: string[] = [];
  private batchSize = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly to: NodeJS.WritableStream,
    private readonly onLines: (lines: string[]) => void,
    private readonly everyMs = 200,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.take(this.decoder.write(chunk));
    if (this.batchSize >= BATCH_MAX) this.flushLines();
    else if (this.lines.length > 0) this.timer ??= setTimeout(() => this.flushLines(), this.everyMs);
    if (this.to.write(chunk)) done();
    else this.to.once('drain', () => done());
  }

  /** Hands on what is left, an unfinished last line too, and stops the timer. */
  close(): void {
    this.take(this.decoder.end());
    if (this.partial || this.cut) this.endLine();
    this.flushLines();
  }

  private take(text: string): void {
    for (let start = 0; ;) {
      const nl = text.indexOf('\n', start);
      this.append(text, start, nl === -1 ? text.length : nl);
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  }

  /** Adds text[from, to) to the current line, up to LINE_MAX. */
  private append(text: string, from: number, to: number): void {
    if (this.cut || from === to) return;
    const room = LINE_MAX - this.partial.length;
    if (to - from > room) {
      this.partial += text.slice(from, from + room);
      this.cut = true;
    } else {
      this.partial += text.slice(from, to);
    }
  }

  private endLine(): void {
    const line = this.cut ? this.partial + LINE_CUT : this.partial;
    this.lines.push(line);
    this.batchSize += line.length;
    this.partial = '';
    this.cut = false;
  }

  private flushLines(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.batchSize = 0;
    this.onLines(lines);
  }
}
