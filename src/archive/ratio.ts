import { readFileSync } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { overLimit } from './errors.js';
import type { Limits } from './limits.js';

// The decompression-ratio limit: bytes out per compressed byte read. A bomb (gigabytes of zeros in a
// megabyte) is stopped once `ratioAfter` bytes came out, long before it fills the disk; a real root never
// comes near (see limits.ts).

/** How often, in output bytes, the compressed position is read (from /proc for a program's input). */
const CHECK_EVERY = 4 * 1024 * 1024;

/** `input` with a count of the bytes that went through it. */
export function counted(input: Readable): { stream: Readable; bytes: () => number } {
  let n = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      n += chunk.length;
      done(null, chunk);
    },
  });
  input.on('error', (e) => stream.destroy(e));
  stream.on('close', () => input.destroy());
  input.pipe(stream);
  return { stream, bytes: () => n };
}

/** The file offset of our descriptor `fd`: a child that inherited it moves it as it reads. */
export function filePosition(fd: number): number {
  const m = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
  return m ? Number(m[1]) : 0;
}

/** `out`, failing with ARCHIVE_LIMIT when it grows past `maxRatio` times the compressed bytes read so far. */
export function ratioGuard(out: Readable, compressed: () => number, kind: string, limits: Limits): Readable {
  let produced = 0;
  let next = limits.ratioAfter;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      produced += chunk.length;
      if (produced < next) return done(null, chunk);
      next = produced + CHECK_EVERY;
      const read = Math.max(compressed(), 1);
      if (produced / read <= limits.maxRatio) return done(null, chunk);
      done(
        overLimit(
          `decompression ratio (${limits.maxRatio}:1): ${kind} data expanded ${produced} bytes from ${read}`,
          undefined,
          'maxRatio',
        ),
      );
    },
  });
  out.on('error', (e) => guard.destroy(e));
  guard.on('close', () => out.destroy());
  out.pipe(guard);
  return guard;
}
