import type { LogDeparture, LogLine } from './types.js';

// A cell's log, cut into its test steps, and where one log's section departs from another's.
//
// A log is vmatrix's header (`# vmatrix cell`, `# image`, `# setup layer`), then, when the setup layer was built
// in this run, the whole setup log with its own `+ ` lines, then the test steps, each announced by `+ <its text>`
// (STEP_LOOP in cell/steps.ts: a multi-line step prints its first line after `+ `, the rest as plain lines), then
// vmatrix's end line (`# failed (exit 2) in 3.1s`). A retried cell's log holds every attempt, each after
// `# attempt N of M …`; results.json describes the last one, so only the last attempt is read.
//
// Markers are found by matching each step's own first line, in order, never `^\+ ` alone: output can print
// `+ ` lines (`sh -x`, a setup log), and only a line equal to the step's marker is taken for it. A line of output
// equal to the marker of a later step is an accepted risk: it would cut that step early. The setup log's lines
// come before the first step, so the first marker is the latest line from which every later marker can still be
// found in order (a setup command equal to the first test step is thus passed over); a first step's own output
// that prints its own marker is the accepted risk there.

/** The most lines of each side an LCS is run on (its last ones): O(n·m) time and memory stay small. */
export const LCS_CAP = 2000;
/** Lines of the failing log shown before and after its departing line. */
const CONTEXT = 2;
/** How many candidate first markers are tried, latest first. */
const FIRST_MARKER_TRIES = 100;

const ATTEMPT = /^# attempt \d+ of \d+ \(VMATRIX_ATTEMPT=\d+\), in a fresh cell$/;
const END = /^# (?:passed|failed|timed-out|oom-killed|error|cancelled|flaky) \(.*\) in \S+$/;
const STEP_TIMED_OUT = /^# step ".*" timed out after .*: its cell was killed$/;
const NOT_RUN = /^# could not (?:run|prepare) the cell: /;
const LOG_CAP = /^# vmatrix: the cell's output reached /;

/** How a step's `+ ` line is recognised. */
export interface StepMarker {
  name: string;
  /** The step's full text, when known (inventory.json): its first line is the marker, the rest follow it. */
  text?: string;
}

/** A cell's log, split into lines, with its test part and its steps' markers located. */
export interface CutLog {
  lines: string[];
  /** The test part: [start, end) line indexes. */
  start: number;
  end: number;
  /** The line index of each step's marker, undefined for a step whose marker was not found. */
  markers: Array<number | undefined>;
}

/** A range of a log's lines: [from, to) indexes. */
export interface Section {
  from: number;
  to: number;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

function isMarker(line: string, step: StepMarker): boolean {
  if (step.text !== undefined) return line === `+ ${firstLine(step.text)}`;
  // Without the full text, results.json's name: a command's first line, trimmed, cut to 60 characters with `…`.
  if (!line.startsWith('+ ')) return false;
  const shown = line.slice(2).trim();
  return step.name.endsWith('…') ? shown.startsWith(step.name.slice(0, -1)) : shown === step.name;
}

function lastIndex(lines: string[], re: RegExp, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (re.test(lines[i])) return i;
  return -1;
}

/** The test part of a log: after its header (and setup log), or the last attempt's start, up to vmatrix's end. */
function testPart(lines: string[]): Section {
  const attempt = lastIndex(lines, ATTEMPT, 0, lines.length);
  const setup = lines.findIndex((l) => l.startsWith('# setup layer '));
  const from = attempt >= 0 ? attempt + 1 : setup >= 0 ? setup + 1 : 0;
  let to = lines.length;
  const end = lastIndex(lines, END, from, to);
  if (end >= 0) to = end > from && STEP_TIMED_OUT.test(lines[end - 1]) ? end - 1 : end;
  else {
    const notRun = lastIndex(lines, NOT_RUN, from, to);
    if (notRun >= 0) to = notRun;
  }
  const capped = lines.findIndex((l, i) => i >= from && i < to && LOG_CAP.test(l));
  // The cap's line follows an empty line it wrote itself.
  if (capped >= 0) to = capped > from && lines[capped - 1] === '' ? capped - 1 : capped;
  return { from, to };
}

/** Each step's marker found greedily in order from `from`, stopping at the first that is not found. */
function markersFrom(lines: string[], steps: StepMarker[], from: number, to: number, first: number): number[] {
  const found: number[] = [];
  let at = from;
  for (let k = first; k < steps.length; k++) {
    let i = at;
    while (i < to && !isMarker(lines[i], steps[k])) i++;
    if (i >= to) break;
    found.push(i);
    at = i + 1;
  }
  return found;
}

/** Cuts a log's text at its test part and its steps' markers. */
export function cutLog(text: string, steps: StepMarker[]): CutLog {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const { from, to } = testPart(lines);
  const markers: Array<number | undefined> = steps.map(() => undefined);
  if (steps.length === 0) return { lines, start: from, end: to, markers };
  const candidates: number[] = [];
  for (let i = from; i < to; i++) if (isMarker(lines[i], steps[0])) candidates.push(i);
  if (candidates.length === 0) return { lines, start: from, end: to, markers };
  // The earliest candidate finds the most later markers; the latest one that finds as many is the real one.
  const most = markersFrom(lines, steps, candidates[0] + 1, to, 1).length;
  let first = candidates[0];
  for (const c of candidates.slice(-FIRST_MARKER_TRIES).reverse()) {
    if (markersFrom(lines, steps, c + 1, to, 1).length === most) {
      first = c;
      break;
    }
  }
  [first, ...markersFrom(lines, steps, first + 1, to, 1)].forEach((at, k) => (markers[k] = at));
  return { lines, start: from, end: to, markers };
}

/** Step `k`'s output: after its marker (and the rest of a multi-line step's text) to the next marker or the end. */
export function stepSection(log: CutLog, steps: StepMarker[], k: number): Section | undefined {
  const at = log.markers[k];
  if (at === undefined) return undefined;
  const next = log.markers.slice(k + 1).find((m) => m !== undefined);
  const to = next ?? log.end;
  let from = at + 1;
  const text = steps[k].text;
  if (text !== undefined)
    for (const rest of text.split('\n').slice(1)) {
      if (from < to && log.lines[from] === rest) from++;
      else break;
    }
  return { from, to };
}

/** The whole test part: from the first marker found (the test part's start when none is) to the end. */
export function testsSection(log: CutLog): Section {
  const first = log.markers.find((m) => m !== undefined);
  return { from: first ?? log.start, to: log.end };
}

/** Whether two sections are the same once masked. */
export function sameSection(
  a: CutLog,
  as: Section,
  maskA: (l: string) => string,
  b: CutLog,
  bs: Section,
  maskB: (l: string) => string,
): boolean {
  if (as.to - as.from !== bs.to - bs.from) return false;
  for (let i = 0; i < as.to - as.from; i++)
    if (maskA(a.lines[as.from + i]) !== maskB(b.lines[bs.from + i])) return false;
  return true;
}

type Step = 'match' | 'failing' | 'passing';

/** An LCS alignment of two lists of lines: `match`, or a line of one side only, in order. */
function align(a: string[], b: string[]): Step[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const n = x.length;
  const m = y.length;
  const w = m + 1;
  // At most LCS_CAP lines a side: the lengths fit in 16 bits.
  const L = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i * w + j] = x[i] === y[j] ? L[(i + 1) * w + j + 1] + 1 : Math.max(L[(i + 1) * w + j], L[i * w + j + 1]);
  const script: Step[] = Array<Step>(head).fill('match');
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      script.push('match');
      i++;
      j++;
    } else if (j < m && (i === n || L[i * w + j + 1] >= L[(i + 1) * w + j])) {
      script.push('passing');
      j++;
    } else {
      script.push('failing');
      i++;
    }
  }
  for (let k = 0; k < tail; k++) script.push('match');
  return script;
}

/**
 * Of the passing log's unmatched lines, the one most like `masked` (the longest common start: `ldd (Debian GLIBC 2.36`
 * for `ldd (Debian GLIBC 2.31`, past a newer toolchain's chatter); the first when none starts alike.
 */
function likeliest(masked: string, candidates: LogLine[]): LogLine | undefined {
  let best: LogLine | undefined;
  let bestLength = -1;
  for (const c of candidates) {
    let n = 0;
    while (n < masked.length && n < c.masked.length && masked[n] === c.masked[n]) n++;
    if (n > bestLength) {
      best = c;
      bestLength = n;
    }
  }
  return best;
}

/** The lines of a section as LogLines, the last `LCS_CAP` only. */
function sideLines(log: CutLog, s: Section, mask: (l: string) => string): LogLine[] {
  const from = Math.max(s.from, s.to - LCS_CAP);
  return log.lines.slice(from, s.to).map((text, k) => ({ line: from + k + 1, text, masked: mask(text) }));
}

/**
 * Where the failing log's section first departs from the passing log's, by an LCS of their masked lines (the last
 * LCS_CAP of each): the failing log's first line without a counterpart, and the passing log's unmatched line between
 * the same matched lines that is most like it. Lines the passing log has more earlier on (a newer toolchain's
 * chatter) do not count while the failing log has a line of its own later; when it has none, the passing log's first
 * extra line is the departure (the failing step stopped short). Undefined when the sections are the same once masked.
 * A departure earlier than the last LCS_CAP lines of a section is not seen: failures show near a step's end.
 */
export function firstDeparture(
  failing: CutLog,
  fs: Section,
  maskFailing: (l: string) => string,
  passing: CutLog,
  ps: Section,
  maskPassing: (l: string) => string,
): LogDeparture | undefined {
  const f = sideLines(failing, fs, maskFailing);
  const p = sideLines(passing, ps, maskPassing);
  const script = align(
    f.map((l) => l.masked),
    p.map((l) => l.masked),
  );
  let i = 0;
  let j = 0;
  /** The passing log's unmatched lines since the last matched pair. */
  let gap: number[] = [];
  let firstPassing: { j: number; i: number } | undefined;
  for (let k = 0; k < script.length; k++) {
    const step = script[k];
    if (step === 'match') {
      i++;
      j++;
      gap = [];
    } else if (step === 'passing') {
      gap.push(j);
      firstPassing ??= { j, i };
      j++;
    } else {
      // The failing log's first unmatched line. Its counterpart is among the passing log's unmatched lines between
      // the same matched pairs (failing lines do not move j: a passing line later in the gap is the j-th, j+1-th…).
      for (let r = k + 1, jj = j; r < script.length && script[r] !== 'match'; r++)
        if (script[r] === 'passing') gap.push(jj++);
      const counterpart = likeliest(
        f[i].masked,
        gap.map((g) => p[g]),
      );
      return {
        failing: f[i],
        ...(counterpart && { passing: counterpart }),
        context: f.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1),
      };
    }
  }
  if (firstPassing === undefined) return undefined;
  return {
    passing: p[firstPassing.j],
    context: f.slice(Math.max(0, firstPassing.i - CONTEXT), firstPassing.i + CONTEXT),
  };
}
