import type { CellInventory, InstalledPackage } from '../../../src/inventory/types.js';
import { summarise } from '../../../src/results/summary.js';
import type { CellResult, RunResult } from '../../../src/results/types.js';
import type { ExplainSource } from '../../../src/triage/index.js';

// RunResults, logs and inventories built in memory for the triage tests.

export function cell(id: string, over: Partial<CellResult> = {}): CellResult {
  const [distro, rest] = id.split('/');
  const axes = Object.fromEntries((rest ? rest.split(',') : []).map((p) => p.split('=') as [string, string]));
  const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id,
    slug,
    distro,
    arch: 'amd64',
    axes,
    status: 'passed',
    phase: over.status && over.status !== 'passed' ? 'test' : undefined,
    exitCode: 0,
    durationMs: 1,
    phases: { image: 0, setup: 0, test: 1 },
    logPath: `.vmatrix/runs/r1/${slug}/log.txt`,
    ...over,
  };
}

export function run(cells: CellResult[]): RunResult {
  return {
    version: 1,
    runId: 'r1',
    project: '/p',
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: '',
    finishedAt: '',
    durationMs: 1,
    jobs: 1,
    cells,
    summary: summarise(cells),
  };
}

export function source(r: RunResult, files: Record<string, string>): ExplainSource {
  const map = new Map(Object.entries(files));
  return { run: r, readText: (path) => Promise.resolve(map.get(path)) };
}

export function inventory(c: CellResult, over: Partial<CellInventory> = {}): CellInventory {
  return {
    version: 1,
    cell: c.id,
    distro: c.distro,
    arch: c.arch ?? 'amd64',
    kernel: '6.1.0',
    image: 'img',
    packageManager: 'apt',
    packages: [],
    compilers: [],
    env: { VMATRIX_CELL: c.id, VMATRIX_DISTRO: c.distro, HOSTNAME: c.slug },
    steps: [],
    readMs: 1,
    ...over,
  };
}

export function pkgs(spec: Record<string, string>): InstalledPackage[] {
  return Object.entries(spec)
    .map(([name, version]) => ({ name, version }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A cell's log: the header, an optional setup log, then each step's `+ ` line and output, then the end line. */
export function log(
  c: CellResult,
  steps: Array<[string, string[]]>,
  o: { setup?: string[]; end?: string; layer?: string } = {},
): string {
  const lines = [
    `# vmatrix cell ${c.id}`,
    `# image 10caebf5bc2b9ed3 (${c.distro})`,
    `# setup layer ${o.layer ?? 'none'}`,
  ];
  lines.push(...(o.setup ?? []));
  for (const [text, output] of steps) lines.push(`+ ${text}`, ...output);
  lines.push(o.end ?? (c.status === 'passed' ? '# passed (exit 0) in 1.2s' : '# failed (exit 2) in 1.2s'));
  return `${lines.join('\n')}\n`;
}
