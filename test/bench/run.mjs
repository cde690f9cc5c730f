// The benchmark suite: `npm run bench` (builds dist/ first, runs as root). Each case names its variants; every
// round runs each variant once, in an order that alternates from round to round, so that a noisy machine
// (other jobs, the page cache, ext4 reusing recently deleted inodes) hurts no variant more than another.
// Reports medians and ranges, the ratio of the first variant's median to the baseline's (and the median of
// the per-round ratios, which cancels slow phases of the machine), writes results.json beside
// this file and prints a markdown table. Options: VMATRIX_BENCH_RUNS (default 5), VMATRIX_BENCH_CASES
// (comma-separated case names, default all), VMATRIX_BENCH_DIR (scratch dir; default the OS temp dir, which
// should be on the filesystem of the store).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellCases } from './cells.mjs';
import { extractCases } from './extract.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.VMATRIX_BENCH_RUNS ?? 5);
const only = process.env.VMATRIX_BENCH_CASES?.split(',').filter(Boolean);

/**
 * A case: `variants` maps a name to `run(scratch) → ms` (or undefined to time the whole call); the first
 * variant is ours, `baseline` names the one it is compared with. `setup()` may return a reason to skip.
 */
const cases = [...extractCases, ...cellCases].filter((c) => !only || only.includes(c.name));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function runCase(c, scratch) {
  const skip = await c.setup?.();
  if (typeof skip === 'string') return { name: c.name, skipped: skip };
  const names = Object.keys(c.variants);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < runs; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const dir = await mkdtemp(join(scratch, 'run-'));
      const started = performance.now();
      const reported = await c.variants[name](dir);
      times[name].push(typeof reported === 'number' ? reported : performance.now() - started);
      // Kept until the case ends: deleting now would make the next variant allocate among freshly freed inodes.
      c.leftovers = [...(c.leftovers ?? []), dir];
    }
  }
  for (const dir of c.leftovers ?? []) await rm(dir, { recursive: true, force: true });
  await c.teardown?.();
  const stats = Object.fromEntries(names.map((n) => [n, {
    medianMs: Math.round(median(times[n])), minMs: Math.round(Math.min(...times[n])), maxMs: Math.round(Math.max(...times[n])),
    runsMs: times[n].map(Math.round),
  }]));
  const ratio = stats[names[0]].medianMs / stats[c.baseline].medianMs;
  // Each round runs the variants back to back: the median of the per-round ratios cancels slow phases.
  const paired = median(times[names[0]].map((t, i) => t / times[c.baseline][i]));
  return {
    name: c.name, description: c.description, ours: names[0], baseline: c.baseline, variants: stats,
    ratio: Number(ratio.toFixed(2)), pairedRatio: Number(paired.toFixed(2)),
  };
}

function table(results) {
  const lines = ['| case | variant | median ms | range ms | ratio (paired) |', '|---|---|---:|---:|---:|'];
  for (const r of results) {
    if (r.skipped) { lines.push(`| ${r.name} | skipped: ${r.skipped} | | | |`); continue; }
    for (const [name, s] of Object.entries(r.variants)) {
      const ratio = name === r.ours ? `**${r.ratio.toFixed(2)}** (${r.pairedRatio.toFixed(2)}) vs ${r.baseline}` : '';
      lines.push(`| ${r.name} | ${name} | ${s.medianMs} | ${s.minMs}–${s.maxMs} | ${ratio} |`);
    }
  }
  return lines.join('\n');
}

if (process.getuid?.() !== 0) {
  console.error('the benchmarks run as root, like vmatrix extracting into its store and running cells');
  process.exit(2);
}
const scratch = await mkdtemp(join(process.env.VMATRIX_BENCH_DIR ?? tmpdir(), 'vmx-bench-'));
const results = [];
try {
  for (const c of cases) {
    console.error(`${c.name}: ${runs} rounds…`);
    results.push(await runCase(c, scratch));
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
const report = { date: new Date().toISOString(), node: process.version, runs, results };
await writeFile(join(here, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(table(results));
