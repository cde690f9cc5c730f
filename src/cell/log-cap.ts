import { Writable } from 'node:stream';
import { formatSize, sizeFromEnv } from '../util/size.js';

// The most a cell's output may put in its log: the output is the project's, and a cell that prints
// forever must not fill the disk. Past the cap the log says so once, and the rest of the output is read
// and dropped, so the cell runs on and is judged by its exit code as any other.

const DEFAULT_CAP = '256m';
const CAP_VARIABLE = 'VMATRIX_LOG_MAX_SIZE';

/** The most bytes of output logged per cell: $VMATRIX_LOG_MAX_SIZE, or 256 MB. */
export function logCap(env: NodeJS.ProcessEnv = process.env): number {
  return sizeFromEnv(env, CAP_VARIABLE, DEFAULT_CAP, 'BAD_LOG_CAP');
}

/** The log line that marks where output stopped being logged. */
export function capMarker(max: number): string {
  return `\n# vmatrix: the cell's output reached ${formatSize(max)} (${CAP_VARIABLE}): the rest of it is not logged\n`;
}

/** Writes to `to` until `max` bytes have gone through, then the marker; later writes are dropped. Never ends `to`. */
export class LogCap extends Writable {
  private written = 0;
  /** Output went past the cap: the marker is in the log. */
  capped = false;

  constructor(
    private readonly to: NodeJS.WritableStream,
    private readonly max: number,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.capped) return done();
    const room = this.max - this.written;
    if (chunk.length <= room) {
      this.written += chunk.length;
      return this.pass(chunk, done);
    }
    this.capped = true;
    this.written = this.max;
    this.pass(Buffer.concat([chunk.subarray(0, room), Buffer.from(capMarker(this.max))]), done);
  }

  private pass(chunk: Buffer, done: () => void): void {
    const to = this.to as NodeJS.WritableStream & { destroyed?: boolean };
    if (to.write(chunk) || to.destroyed) return done();
    // A log whose filesystem is full errors and never drains: its error or close ends the wait too.
    const finish = (): void => {
      to.off('drain', finish);
      to.off('error', finish);
      to.off('close', finish);
      done();
    };
    to.once('drain', finish);
    to.once('error', finish);
    to.once('close', finish);
  }
}

/**
 * Resolves when every write made to `stream` so far has been handed on: call before writing past it or ending what it
 * writes to.
 */
export function settled(stream: NodeJS.WritableStream): Promise<void> {
  // A stream that failed (a full disk) may never call a write back: its error or close ends the wait too.
  const s = stream as NodeJS.WritableStream & { destroyed?: boolean; errored?: unknown; writableEnded?: boolean };
  if (s.destroyed || s.errored || s.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      s.off('error', done);
      s.off('close', done);
      resolve();
    };
    s.once('error', done);
    s.once('close', done);
    s.write(Buffer.alloc(0), () => done());
  });
}
