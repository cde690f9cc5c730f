import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { RunResult } from '../../src/results/types.js';

// The setup layer's cache through the real CLI on busybox cells: reused when nothing it depends on
// changed, rebuilt when a setup_inputs file did or when --rebuild asks, never for a test command.

let project: string;
let home: string;
const builds = (r: CliResult): number => r.stderr.match(/building setup layer/g)?.length ?? 0;

async function test(...flags: string[]): Promise<{ run: CliResult; result: RunResult; layer: string }> {
  const run = await runCli(['test', ...flags], { cwd: project, env: { VMATRIX_HOME: home } });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
  const layers = new Set(result.cells.map((c) => c.layerId));
  expect(layers.size).toBe(1); // both cells stack on the one layer
  return { run, result, layer: [...layers][0]! };
}

let first: Awaited<ReturnType<typeof test>>;

beforeAll(async () => {
  project = await gitProject('setup-cache');
  home = join(await mkdtemp(join(tmpdir(), 'vmx-cache-')), 'store');
  first = await test();
}, 120_000);

describe('the setup layer cache', () => {
  it('builds the layer once for both cells and warns about a glob that matches nothing', () => {
    expect(builds(first.run)).toBe(1);
    expect(first.run.stderr).toMatch(/setup_inputs: warning: ci\/\*\.conf matches no file of the project/);
    expect(first.result.cells.every((c) => c.status === 'passed' && c.setupCached === false)).toBe(true);
  });

  it('reuses it on the next run', async () => {
    const second = await test();
    expect(builds(second.run)).toBe(0);
    expect(second.layer).toBe(first.layer);
    expect(second.result.cells.every((c) => c.setupCached === true)).toBe(true);
  });

  it('reuses it when a test command or an unrelated file changes', async () => {
    const config = await readFile(join(project, 'vmatrix.yml'), 'utf8');
    await writeFile(
      join(project, 'vmatrix.yml'),
      config.replace('  - cmp deps.txt /etc/deps-copy', '  - cmp deps.txt /etc/deps-copy\n  - test -s deps.txt'),
    );
    await writeFile(join(project, 'notes.txt'), 'edited\n');
    const edited = await test();
    expect(builds(edited.run)).toBe(0);
    expect(edited.layer).toBe(first.layer);
  });

  it('rebuilds it when a setup_inputs file changes (the cells see the new copy)', async () => {
    await writeFile(join(project, 'deps.txt'), 'beta\n');
    const changed = await test();
    expect(builds(changed.run)).toBe(1);
    expect(changed.layer).not.toBe(first.layer);
    expect(changed.result.cells.every((c) => c.status === 'passed' && c.setupCached === false)).toBe(true);
  });

  it('rebuilds it with --rebuild under the same id, and the next run removes the old one', async () => {
    const before = await test();
    const rebuilt = await test('--rebuild');
    expect(builds(rebuilt.run)).toBe(1);
    expect(rebuilt.layer).toBe(before.layer);
    expect(rebuilt.result.cells.every((c) => c.setupCached === false)).toBe(true);
    expect((await readdir(join(home, 'retired'))).filter((n) => !n.endsWith('.json'))).toHaveLength(1);
    const after = await test();
    expect(builds(after.run)).toBe(0);
    expect(await readdir(join(home, 'retired'))).toEqual([]);
  });

  it('lists the layer with its inputs: image ls --layers, as a table and as JSON', async () => {
    const { layer } = await test();
    const sha = createHash('sha256').update('beta\n').digest('hex');
    const ls = await runCli(['image', 'ls', '--layers'], { env: { VMATRIX_HOME: home } });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/^LAYER\s+DISTRO\s+PM\s+SIZE\s+LAST USED$/m);
    expect(ls.stdout).toMatch(new RegExp(`^${layer}\\s+busybox\\s+none\\s+\\S+ \\S?B\\s+\\d{4}-`, 'm'));
    expect(ls.stdout).toContain('    setup:        cat /src/deps* > /etc/deps-copy');
    expect(ls.stdout).toContain(`    setup_inputs: deps.txt  644  ${sha.slice(0, 12)}`);
    const json = JSON.parse(
      (await runCli(['image', 'ls', '--layers', '--json'], { env: { VMATRIX_HOME: home } })).stdout,
    ) as Array<{ kind: string; id: string; inputs: { setupInputs: Record<string, { sha256: string; mode: string }> } }>;
    const entry = json.find((e) => e.kind === 'layer' && e.id === layer)!;
    expect(entry.inputs.setupInputs).toEqual({ 'deps.txt': { sha256: sha, mode: '644' } });
  });
});
