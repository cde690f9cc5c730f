import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETAILS, RESULTS, SUMMARY, details, render, root, splice, summary } from '../../../scripts/perf-table.mjs';
import type { Report } from '../../../scripts/perf-table.mjs';

const read = (file: string) => readFileSync(join(root, file), 'utf8');

// The published tables are generated, never edited by hand: what is committed is exactly what
// scripts/perf-table.mjs makes of the committed results.json.
describe('the committed performance tables', () => {
  it('are what scripts/perf-table.mjs makes of the committed test/bench/results.json', () => {
    const report = JSON.parse(read(RESULTS)) as Report;
    const made = render(report, read);
    expect(Object.keys(made).sort()).toEqual([DETAILS.file, SUMMARY.file].sort());
    for (const [file, text] of Object.entries(made)) expect(read(file), file).toBe(text);
  });
});

/** A small run: one case with two targets, a peer that could not run and one that did; an older-style case. */
const report: Report = {
  date: '2026-12-04T12:42:05.123Z',
  durationS: 420,
  node: 'v20.20.2',
  host: {
    cpu: 'AMD EPYC',
    cores: 2,
    memoryGiB: 23.5,
    kernel: '6.18.44',
    distro: 'Debian GNU/Linux 12 (bookworm)',
    cgroups: 'hybrid',
    runtime: { name: 'runc', version: '1.1.5+ds1' },
    node: 'v20.20.2',
    scratchFs: 'ext4',
  },
  rounds: null,
  quick: false,
  results: [
    {
      name: 'cell busybox true',
      rounds: 30,
      ours: 'vmatrix runCell',
      baseline: 'bare runtime',
      variants: {
        'vmatrix runCell': { medianMs: 40, minMs: 35, maxMs: 90, runsMs: [] },
        'bare runtime': { medianMs: 32, minMs: 30, maxMs: 50, runsMs: [] },
        'schroot session': { medianMs: 800, minMs: 700, maxMs: 950, runsMs: [] },
      },
      ratio: 1.25,
      pairedRatio: 1.2,
      target: 1.2,
      met: false,
      ratios: {
        'bare runtime': { ratio: 1.25, pairedRatio: 1.2, minRatio: 1.167 },
        'schroot session': { ratio: 0.05, pairedRatio: 0.051, minRatio: 0.05 },
      },
      targets: [
        { vs: 'bare runtime', target: 1.2, ratio: 1.25, pairedRatio: 1.2, met: false },
        { vs: 'lxc-execute', target: 1.5, met: null, skipped: 'not installed: run scripts/setup-bench.sh' },
      ],
      unavailable: {
        'lxc-execute': 'not installed: run scripts/setup-bench.sh',
        'bare crun': 'crun exited 1: cgroups in hybrid mode not supported, drop all controllers from cgroupv2',
      },
    },
    {
      name: 'disk',
      unit: 'KiB',
      ours: 'extra cell',
      baseline: 'written',
      variants: {
        'extra cell': { medianKiB: 56, minKiB: 52, maxKiB: 60, runsKiB: [] },
        written: { medianKiB: 1024, minKiB: 1024, maxKiB: 1024, runsKiB: [] },
      },
      ratio: 0.055,
      pairedRatio: 0.055,
      target: 1,
      met: true,
      ratios: { written: { ratio: 0.055, pairedRatio: 0.055, minRatio: 0.05 } },
    },
    { name: 'extract', skipped: 'no image: run scripts/setup-host.sh' },
  ],
};

describe('scripts/perf-table.mjs', () => {
  it('summarises every target with the date, the host and both sides’ median and spread', () => {
    expect(summary(report).split('\n')).toEqual([
      'Latest run: `npm run bench`, started 2026-12-04 12:42 UTC, took 7 min. Host: AMD EPYC, 2 cores, 23.5 GiB,' +
        ' Debian GNU/Linux 12 (bookworm), Linux 6.18.44, hybrid v1/v2 cgroups, runc 1.1.5+ds1, Node v20.20.2,' +
        ' scratch dir on ext4.',
      '',
      '| case | vmatrix vs | vmatrix: median (min–max) | theirs: median (min–max) | ratio: medians (paired) | target | met |',
      '|---|---|---:|---:|---:|---:|---|',
      '| cell busybox true | bare runtime | 40 (35–90) ms | 32 (30–50) ms | **1.25** (1.2) | ≤ 1.20 | **not met** |',
      '| cell busybox true | lxc-execute | 40 (35–90) ms | not run: not installed: run scripts/setup-bench.sh |  | ≤ 1.50 |' +
        ' not judged: lxc-execute did not run |',
      '| disk | written | 56 (52–60) KiB | 1024 (1024–1024) KiB | **0.055** (0.055) | ≤ 1.00 | met |',
      '| extract | | skipped: no image: run scripts/setup-host.sh | | | | |',
    ]);
  });

  it('lists every variant in the full table, and why a peer did not run', () => {
    const rows = details(report).split('\n');
    expect(rows).toContain('| cell busybox true | schroot session | 800 | 700–950 | 0.05 (0.051; 0.05) |  |');
    expect(rows).toContain(
      '| cell busybox true | bare runtime | 32 | 30–50 | **1.25** (1.2; 1.167) | ≤ 1.20: **not met** |',
    );
    expect(rows).toContain(
      '| cell busybox true | bare crun | not run: crun exited 1: cgroups in hybrid mode not supported,' +
        ' drop all controllers from cgroupv2 | | |  |',
    );
    expect(rows).toContain(
      '| cell busybox true | lxc-execute | not run: not installed: run scripts/setup-bench.sh | | | ≤ 1.50: not judged |',
    );
    // An older results.json, with one target and no `targets`: the verdict is on the baseline's row.
    expect(rows).toContain('| disk | written | 1024 KiB | 1024–1024 | **0.055** (0.055; 0.05) | ≤ 1.00: met |');
  });

  it('replaces only what lies between the markers, and says where they are missing', () => {
    const text = 'prose\n<!-- t:begin (generated) -->\nold\n<!-- t:end -->\nmore prose\n';
    const once = splice(text, 't', 'new');
    expect(once).toBe('prose\n<!-- t:begin (generated) -->\n\nnew\n\n<!-- t:end -->\nmore prose\n');
    expect(splice(once, 't', 'new')).toBe(once);
    expect(() => splice('prose\n', 't', 'new', 'README.md')).toThrow(
      'README.md has no "<!-- t:begin -->" … "<!-- t:end -->" markers',
    );
  });
});
