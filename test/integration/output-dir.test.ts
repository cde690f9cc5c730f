import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.js';
import { runCli } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';

describe('vmatrix test --output', () => {
  it('writes the run directory (results, logs, reports) where it is told, and nothing under .vmatrix', async () => {
    const project = await gitProject('busybox-mix');
    const scratch = await mkdtemp(join(tmpdir(), 'vmx-out-'));
    const out = join(scratch, 'ci-results');
    const r = await runCli(['test', '--only', 'mode=ok', '--output', out], {
      cwd: project,
      env: { VMATRIX_HOME: join(scratch, 'store') },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'latest', 'results.json'), 'utf8')) as RunResult;
    expect(result.cells.map((c) => [c.id, c.status])).toEqual([['busybox/mode=ok', 'passed']]);
    expect(existsSync(join(out, result.runId, 'junit.xml'))).toBe(true);
    expect(await readFile(join(project, result.cells[0]!.logPath), 'utf8')).toContain('MODE=ok');
    expect(existsSync(join(project, '.vmatrix', 'runs'))).toBe(false);
  }, 120_000);
});
