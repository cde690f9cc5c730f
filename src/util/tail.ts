import { openRunFile } from './host-fs.js';

// The end of a log: what a summary quotes of a failed cell or setup, so that the reason is on screen.
// A log is the project's output, as large as VMATRIX_LOG_MAX_SIZE lets it be: only its end is read, and
// lines are cut, so that quoting it costs a bounded amount of memory.

/** How many lines of a failed cell's log, or of a failed setup's, a summary shows. */
export const TAIL_LINES = 15;

/** The most characters of one line of a cell's output that vmatrix keeps to show; the rest is cut. */
export const LINE_MAX = 64 * 1024;
export const LINE_CUT = ' … [line cut at 64 KiB]';

/** How much of the end of a log is read for its last lines. */
const TAIL_BYTES = 256 * 1024;

/**
 * A line of a log as a terminal shows it: what progress output (dpkg's `(Reading database ... 5%`) wrote
 * before its last carriage return is overwritten; a CRLF line end is no overwrite.
 */
export function shownLine(raw: string): string {
  return raw.replace(/\r+$/, '').split('\r').pop()!;
}

/** A line kept to LINE_MAX characters, marked when cut. */
export function cutLine(line: string): string {
  return line.length > LINE_MAX ? line.slice(0, LINE_MAX) + LINE_CUT : line;
}

/**
 * The last `count` lines of `text`, as shown; a final newline does not make an empty last line, and no text has none.
 */
export function lastLines(text: string, count: number): string[] {
  return text === ''
    ? []
    : text
        .replace(/\n$/, '')
        .split('\n')
        .slice(-count)
        .map((l) => cutLine(shownLine(l)));
}

/**
 * The last `maxBytes` of a file and where they start, or undefined when it cannot be read: a regular
 * file, not through a link, and inside one of `runDirs` when given (a results.json names it).
 */
export async function readEnd(
  path: string,
  maxBytes: number,
  runDirs?: string[],
): Promise<{ bytes: Buffer; start: number } | undefined> {
  const file = await openRunFile(path, runDirs);
  if (!file) return undefined;
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    return { bytes: buffer.subarray(0, bytesRead), start };
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

/** The last `count` lines of a file, read from its last TAIL_BYTES; undefined when it cannot be read. */
export async function fileTail(path: string, count: number, runDirs?: string[]): Promise<string[] | undefined> {
  const end = await readEnd(path, TAIL_BYTES, runDirs);
  if (!end) return undefined;
  const text = end.bytes.toString('utf8');
  // Read from the middle of a line: say so, rather than show its end as a whole line.
  return lastLines(end.start > 0 ? `… ${text}` : text, count);
}
