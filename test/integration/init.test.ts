import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_KINDS } from '../../src/config/index.js';
import { runCli } from '../helpers/cli.js';

// `vmatrix init` as a user meets it: a starter that `vmatrix matrix` accepts, the kind detected from the
// project's files, and an existing vmatrix.yml left alone without --force.

const project = (): Promise<string> => mkdtemp(join(tmpdir(), 'vmx-init-'));

describe('vmatrix init', () => {
  it.each(PROJECT_KINDS)('writes a %s starter that vmatrix matrix expands', async (kind) => {
    const dir = await project();
    const init = await runCli(['init', '--kind', kind], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`wrote vmatrix.yml for a ${kind} project`);
    expect(await readFile(join(dir, 'vmatrix.yml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\S+\/schema\/vmatrix\.schema\.json\n/,
    );
    const matrix = await runCli(['matrix'], { cwd: dir });
    expect(matrix.code, matrix.stderr).toBe(0);
    expect(matrix.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it("detects the kind from the project's files and refuses to overwrite without --force", async () => {
    const dir = await project();
    await writeFile(join(dir, 'Cargo.toml'), '[package]\nname = "x"\n');
    const init = await runCli(['init'], { cwd: dir });
    expect(init.stdout).toContain('wrote vmatrix.yml for a rust project (from Cargo.toml)');
    await writeFile(join(dir, 'vmatrix.yml'), 'distros: [debian-12]\ntest: mine\n');
    const again = await runCli(['init', '--kind', 'node'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/vmatrix\.yml already exists\nhint: pass --force/);
    expect(await readFile(join(dir, 'vmatrix.yml'), 'utf8')).toBe('distros: [debian-12]\ntest: mine\n');
    const forced = await runCli(['init', '--kind', 'node', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(dir, 'vmatrix.yml'), 'utf8')).toContain('npm test');
  });

  it('rejects an unknown kind as a usage error', async () => {
    const r = await runCli(['init', '--kind', 'cobol'], { cwd: await project() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cobol');
  });
});
