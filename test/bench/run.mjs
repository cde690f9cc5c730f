// The benchmark suite: `npm run bench` (builds dist/ first, runs as root). Each case names its variants; every
// round runs each variant once, in an order that alternates from round to round, so that a noisy machine
// (other jobs, the page cache, ext4 reusing recently deleted inodes) hurts no variant more than another.
// Reports medians and ranges and the first variant's time ÷ each other variant's: as a ratio of medians, as
// the median of the per-round ratios (which cancels slow phases of the machine) and as a ratio of minima.
// The case's target applies to the ratio of medians to its baseline; targets are reported, never enforced
// (the exit status only says whether every case ran). Writes results.json beside this file and prints a
// markdown table.
//   --quick                one round per case, a smoke check; writes no results.json unless VMATRIX_BENCH_OUT
//   VMATRIX_BENCH_RUNS     rounds for every case (default: the case's own `rounds`, else 5)
//   VMATRIX_BENCH_CASES    comma-separated case names (default all)
//   VMATRIX_BENCH_DIR      scratch dir (default the OS temp dir, which should be on the filesystem of the store)
//   VMATRIX_BENCH_OUT      where to write the JSON report
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootCases } from './boot.mjs';
import { cellCases } from './cells.mjs';
import { cpuCases } from './cpu.mjs';
import { diskCases } from './disk.mjs';
import { emulationCases } from './emulation.mjs';
import { extractCases, importCases } from './extract.mjs';
import { inventoryCases } from './inventory.mjs';
import { matrixCases } from './matrix.mjs';
import { packageCacheCases } from './package-cache.mjs';
import { rootlessCases } from './rootless.mjs';
import { scaleCases } from './scale.mjs';
import { snapshotCases } from './snapshot.mjs';
import { describeHost } from './host.mjs';
import { startupCases } from './startup.mjs';
import { table } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.env.VMATRIX_BENCH_CASES?.split(',').filter(Boolean);
const out = process.env.VMATRIX_BENCH_OUT ?? (quick ? undefined : join(here, 'results.json'));

/**
 * A case: `variants` maps a name to `run(scratch) → ms` (or undefined to time the whole call); the first
 * variant is ours, `baseline` names the one `target` (the highest acceptable ratio) is about. `setup(scratch)`
 * may return a reason to skip; `rounds` overrides the default number of rounds; `unit` names what the
 * variants return when it is not milliseconds; `wall: false` drops the whole call's time where the sides'
 * calls do different work; `measures` holds further figures the case noted. `targets` adds a target per other
 * variant (name → highest acceptable ratio); `unavailable` (name → reason), set by setup(), names the variants
 * that cannot run on this host and why, for the report to say instead of their figures.
 */
const cases = [
  ...startupCases,
  ...extractCases,
  ...importCases,
  ...cellCases,
  ...cpuCases,
  ...matrixCases,
  ...scaleCases,
  ...diskCases,
  ...snapshotCases,
  ...packageCacheCases,
  ...emulationCases,
  ...rootlessCases,
  ...bootCases,
  ...inventoryCases,
].filter((c) => !only || only.includes(c.name));

const roundsOf = (c) => (quick ? 1 : Number(process.env.VMATRIX_BENCH_RUNS ?? c.rounds ?? 5));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => Math.round(x * 10) / 10;
/** A series' figures, named for its unit: `medianMs`… for times, `medianKiB`… for a case in another `unit`. */
const stats = (xs, unit = 'ms') => {
  const u = unit === 'ms' ? 'Ms' : unit;
  return {
    [`median${u}`]: ms(median(xs)),
    [`min${u}`]: ms(Math.min(...xs)),
    [`max${u}`]: ms(Math.max(...xs)),
    [`runs${u}`]: xs.map(ms),
  };
};

/**
 * Runs the rounds. A variant that reports its own time also gets the whole call's, as `wall`; one that
 * reports `{ ms, ...more }` gets a series for each further measure (e.g. `cpu`).
 */
async function measure(c, scratch, rounds) {
  const names = Object.keys(c.variants);
  const times = Object.fromEntries(names.map((n) => [n, { main: [], wall: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const dir = await mkdtemp(join(scratch, 'run-'));
      const started = performance.now();
      const reported = await c.variants[name](dir);
      const wall = performance.now() - started;
      const { ms: main = wall, ...more } = typeof reported === 'number' ? { ms: reported } : (reported ?? {});
      // A case in another unit than time (`unit`), or whose sides' calls do different work (`wall: false`), has no use for the call's time.
      for (const [series, t] of Object.entries({ main, ...(!c.unit && c.wall !== false && { wall }), ...more }))
        (times[name][series] ??= []).push(t);
      // Kept until the case ends: deleting now would make the next variant allocate among freshly freed inodes.
      c.leftovers = [...(c.leftovers ?? []), dir];
    }
  }
  return times;
}

/**
 * ours ÷ other: of the medians; the median of the per-round ratios (a round runs the variants back to back, so
 * this cancels slow phases of the machine); and of the minima (other jobs only ever add time).
 */
function ratioOf(ours, other) {
  const r3 = (x) => Number(x.toFixed(3));
  return {
    ratio: r3(median(ours) / median(other)),
    pairedRatio: r3(median(ours.map((t, i) => t / other[i]))),
    minRatio: r3(Math.min(...ours) / Math.min(...other)),
  };
}

/** A variant's figures: its own time, then each further series (`wall` only where it differs from its own). */
function figures({ main, ...series }, unit) {
  const shown = Object.entries(series).filter(([name, t]) => name !== 'wall' || t.some((x, i) => x !== main[i]));
  return {
    ...stats(main, unit),
    ...Object.fromEntries(shown.map(([name, t]) => [name, stats(t, name === 'wall' ? 'ms' : unit)])),
  };
}

/** What a case noted besides its variants' figures (`c.measures`: label → { unit, values }), e.g. a peak RSS. */
function measuresOf(c) {
  const entries = Object.entries(c.measures ?? {}).filter(([, m]) => m.values.length);
  return entries.length
    ? Object.fromEntries(entries.map(([label, m]) => [label, { unit: m.unit, ...stats(m.values, m.unit) }]))
    : undefined;
}

/** ours ÷ each other variant, for its own time and for every further series both have. */
function ratios(times, variants, ours, others) {
  const series = Object.keys(variants[ours]).filter(
    (k) => typeof variants[ours][k] === 'object' && !Array.isArray(variants[ours][k]),
  );
  return Object.fromEntries(
    others.map((n) => [
      n,
      {
        ...ratioOf(times[ours].main, times[n].main),
        ...Object.fromEntries(
          series.filter((k) => variants[n][k]).map((k) => [k, ratioOf(times[ours][k], times[n][k])]),
        ),
      },
    ]),
  );
}

async function runCase(c, scratch) {
  const skip = await c.setup?.(scratch);
  if (typeof skip === 'string') return { name: c.name, skipped: skip };
  let times;
  try {
    times = await measure(c, scratch, roundsOf(c));
  } finally {
    for (const dir of c.leftovers ?? []) await rm(dir, { recursive: true, force: true });
    await c.teardown?.();
  }
  const [ours, ...others] = Object.keys(c.variants);
  const variants = Object.fromEntries(Object.entries(times).map(([n, t]) => [n, figures(t, c.unit)]));
  const vs = ratios(times, variants, ours, others);
  const { ratio, pairedRatio } = vs[c.baseline];
  const targets = Object.entries({ [c.baseline]: c.target, ...c.targets })
    .filter(([, t]) => t !== undefined)
    .map(([name, target]) =>
      vs[name]
        ? {
            vs: name,
            target,
            ratio: vs[name].ratio,
            pairedRatio: vs[name].pairedRatio,
            met: quick ? null : vs[name].ratio <= target,
          }
        : { vs: name, target, met: null, skipped: c.unavailable?.[name] ?? 'not run' },
    );
  return {
    name: c.name,
    description: c.description,
    rounds: roundsOf(c),
    ...(c.unit && { unit: c.unit }),
    ours,
    baseline: c.baseline,
    variants,
    ratio,
    pairedRatio,
    target: c.target ?? null,
    met: quick || c.target === undefined ? null : ratio <= c.target,
    ratios: vs,
    ...(targets.length && { targets }),
    ...(c.unavailable && Object.keys(c.unavailable).length && { unavailable: c.unavailable }),
    ...(measuresOf(c) && { measures: measuresOf(c) }),
  };
}

if (process.getuid?.() !== 0) {
  console.error('the benchmarks run as root, like vmatrix extracting into its store and running cells');
  process.exit(2);
}
const scratch = await mkdtemp(join(process.env.VMATRIX_BENCH_DIR ?? tmpdir(), 'vmx-bench-'));
const host = await describeHost(scratch);
const started = new Date();
const results = [];
try {
  for (const c of cases) {
    console.error(`${c.name}: ${roundsOf(c)} round(s)…`);
    results.push(await runCase(c, scratch));
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
const report = {
  date: started.toISOString(),
  durationS: Math.round((Date.now() - started.getTime()) / 1000),
  node: process.version,
  host,
  rounds: process.env.VMATRIX_BENCH_RUNS ? Number(process.env.VMATRIX_BENCH_RUNS) : null,
  quick,
  results,
};
if (out) await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(table(results));
