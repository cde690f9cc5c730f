// Writes the published performance figures from test/bench/results.json, the report of the latest
// `npm run bench`: the full table into docs/performance.md and a summary of the targets into README.md, each
// between its marker comments, with the run's date, its host and the spread (min–max) of every figure. Run by
// `npm run bench` after the run, or alone: `node scripts/perf-table.mjs`. The tables are never edited by hand:
// test/unit/bench/perf-table.test.ts checks that the committed ones are exactly what this script makes of the
// committed results.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { table, targetsOf } from '../test/bench/table.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = 'test/bench/results.json';
export const DETAILS = { file: 'docs/performance.md', marker: 'perf-table' };
export const SUMMARY = { file: 'README.md', marker: 'perf-summary' };

/** The run's date as "2026-12-04 12:42 UTC". */
const when = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** One line on the machine the figures were measured on (results.json `host`, absent before it was recorded). */
export function hostLine(report) {
  const h = report.host;
  if (!h) return `host not recorded (Node ${report.node ?? '?'})`;
  return [
    `${h.cpu}, ${h.cores} cores, ${h.memoryGiB} GiB`,
    h.distro,
    `Linux ${h.kernel}`,
    `${h.cgroups === 'hybrid' ? 'hybrid v1/v2' : h.cgroups} cgroups`,
    `${h.runtime.name} ${h.runtime.version}`,
    `Node ${h.node}`,
    `scratch dir on ${h.scratchFs}`,
    ...(h.loadAverage ? [`load average ${h.loadAverage.join(' ')} at the start`] : []),
  ].join(', ');
}

/** "Latest run: …" with its date, duration, rounds and host. */
export function runLine(report) {
  const took = report.durationS === undefined ? '' : `, took ${Math.round(report.durationS / 6) / 10} min`;
  const rounds = report.rounds ? `, ${report.rounds} rounds per case (VMATRIX_BENCH_RUNS)` : '';
  const quick = report.quick ? ' (--quick: one round, no targets judged)' : '';
  return `Latest run: \`npm run bench\`, started ${when(report.date)}${took}${rounds}${quick}. Host: ${hostLine(report)}.`;
}

const suffix = (unit) => (!unit || unit === 'ms' ? 'Ms' : unit);
const figure = (s, unit) =>
  s
    ? `${s[`median${suffix(unit)}`]} (${s[`min${suffix(unit)}`]}–${s[`max${suffix(unit)}`]})${unit && unit !== 'ms' ? ` ${unit}` : ' ms'}`
    : '';
const verdict = (t) =>
  t.skipped ? `not judged: ${t.vs} did not run` : t.met === null ? '—' : t.met ? 'met' : '**not met**';
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The summary: one row per target of every case: both sides' median (min–max), the ratio, the verdict. */
export function summary(report) {
  const rows = report.results.flatMap((r) =>
    r.skipped
      ? [`| ${cell(r.name)} | | skipped: ${cell(r.skipped)} | | | | |`]
      : targetsOf(r).map((t) => {
          const theirs = t.skipped ? `not run: ${cell(t.skipped)}` : figure(r.variants[t.vs], r.unit);
          const ratio = t.ratio === undefined ? '' : `**${t.ratio}** (${t.pairedRatio})`;
          return `| ${cell(r.name)} | ${cell(t.vs)} | ${figure(r.variants[r.ours], r.unit)} | ${theirs} | ${ratio} | ≤ ${t.target.toFixed(2)} | ${verdict(t)} |`;
        }),
  );
  return [
    runLine(report),
    '',
    '| case | vmatrix vs | vmatrix: median (min–max) | theirs: median (min–max) | ratio: medians (paired) | target | met |',
    '|---|---|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

/** The full table: every variant and measure of every case, after the run's date and host. */
export function details(report) {
  return [runLine(report), '', table(report.results)].join('\n');
}

/** `text` with what lies between `<!-- marker:begin … -->` and `<!-- marker:end -->` replaced by `content`. */
export function splice(text, marker, content, file = 'the file') {
  const begin = new RegExp(`<!-- ${marker}:begin[^>]*-->\\n`);
  const b = begin.exec(text);
  const e = text.indexOf(`<!-- ${marker}:end -->`);
  if (!b || e < b.index) {
    throw new Error(
      `${file} has no "<!-- ${marker}:begin -->" … "<!-- ${marker}:end -->" markers: put them where the table goes`,
    );
  }
  const start = b.index + b[0].length;
  return `${text.slice(0, start)}\n${content}\n\n${text.slice(e)}`;
}

/** What the two files become with the tables made from `report`; `read(file)` gives their current text. */
export function render(report, read) {
  return Object.fromEntries(
    [
      [DETAILS, details(report)],
      [SUMMARY, summary(report)],
    ].map(([{ file, marker }, content]) => [file, splice(read(file), marker, content, file)]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const report = JSON.parse(readFileSync(join(root, RESULTS), 'utf8'));
  if (report.quick) {
    console.error(`perf-table: ${RESULTS} is from a --quick run: its figures are no table's (run npm run bench)`);
    process.exit(1);
  }
  for (const [file, text] of Object.entries(render(report, (f) => readFileSync(join(root, f), 'utf8')))) {
    writeFileSync(join(root, file), text);
    console.error(`perf-table: wrote ${file}`);
  }
}
