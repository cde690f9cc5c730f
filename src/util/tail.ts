// The end of a log: what a summary quotes of a failed cell or setup, so that the reason is on screen.

/** How many lines of a failed cell's log, or of a failed setup's, a summary shows. */
export const TAIL_LINES = 15;

/**
 * A line of a log as a terminal shows it: what progress output (dpkg's `(Reading database ... 5%`) wrote
 * before its last carriage return is overwritten; a CRLF line end is no overwrite.
 */
export function shownLine(raw: string): string {
  return raw.replace(/\r+$/, '').split('\r').pop()!;
}

/** The last `count` lines of `text`, as shown; a final newline does not make an empty last line, and no text has none. */
export function lastLines(text: string, count: number): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n').slice(-count).map(shownLine);
}
