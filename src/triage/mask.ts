import { stripAnsi } from '../util/ansi.js';

// What changes from one run of a step to the next without meaning anything: times, temp paths, addresses and
// ids, durations, pids, and the cell's own name. Two logs are compared with these masked, so that the first
// line that differs is one that says something. The masks are conservative (a duration mask also hits a real
// `5 s` in a message): the user is always shown the line as written beside its masked form.

/** The cell whose log a line is from: its id and slug (its hostname is its slug) become `<CELL>`. */
export interface MaskedCell {
  id: string;
  slug: string;
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';

/** In order: a later mask sees what the earlier ones left. */
const MASKS: ReadonlyArray<readonly [RegExp, string]> = [
  // ISO 8601, `2026-12-05T02:17:17.123Z`, `2026-12-05 02:17:17+01:00`.
  [/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?/g, '<TIME>'],
  // date(1): `Sat Dec  5 02:17:17 UTC 2026`.
  [new RegExp(`\\b${DAY} ${MONTH} +\\d+ \\d\\d:\\d\\d:\\d\\d(?: [A-Z]{2,5})? \\d{4}\\b`, 'g'), '<TIME>'],
  [/\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b/g, '<TIME>'],
  // mktemp's /tmp/tmp.XXXXXXXXXX, pytest's /tmp/pytest-of-user/pytest-3, Go's go-build123, name.XXXXXX.
  [/\/tmp\/tmp\.[A-Za-z0-9]+/g, '/tmp/<TMP>'],
  [/\/tmp\/pytest-of-[^/\s]+(?:\/pytest-\d+)?/g, '/tmp/<TMP>'],
  [/\bgo-build\d+/g, 'go-build<N>'],
  [/\/tmp\/[A-Za-z0-9_-]*\.(?=[A-Za-z]*\d)[A-Za-z0-9]{6,}\b/g, '/tmp/<TMP>'],
  [/\b0x[0-9a-fA-F]{4,}\b/g, '0x<HEX>'],
  // Hashes, build ids, container ids: with a digit among them, so that a long word of a-f stays.
  [/\b(?=[a-f]*\d)[0-9a-f]{12,64}\b/g, '<HEX>'],
  [/\b\d+(?:\.\d+)? ?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?)\b/g, '<DUR>'],
  [/\bpid[ =:]+\d+/gi, 'pid <PID>'],
  [/\[\d+\]/g, '[<N>]'],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The masker of one cell's lines. */
export function masker(cell: MaskedCell): (line: string) => string {
  // The cell's names first, longest first: a later mask (a duration in `timeout=5s`) would break them up.
  const names = [...new Set([cell.id, cell.slug])].filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
  const own = new RegExp(`(?<![A-Za-z0-9])(?:${names.map(escapeRegExp).join('|')})(?![A-Za-z0-9])`, 'g');
  return (line) => {
    let text = stripAnsi(line).replace(/\r$/, '');
    if (names.length > 0) text = text.replace(own, '<CELL>');
    for (const [re, to] of MASKS) text = text.replace(re, to);
    return text;
  };
}

/** A value (an env variable's) with the cell's id and slug masked, and nothing else. */
export function maskCellNames(value: string, cell: MaskedCell): string {
  let text = value;
  for (const name of [cell.id, cell.slug].sort((a, b) => b.length - a.length))
    if (name) text = text.split(name).join('<CELL>');
  return text;
}
