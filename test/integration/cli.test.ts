import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostArch } from '../../src/util/arch.js';

// The CLI as a user meets it: help, listing commands, and errors that say what to do with exit code 2.

const DEMO = fileURLToPath(new URL('../../templates/demo/vmatrix.yml', import.meta.url));

describe('vmatrix CLI', () => {
  it('shows every command with its summary', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['test', 'matrix', 'run', 'distros', 'doctor'])
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\s+\\S`, 'm'));
    expect(r.stdout).toMatch(/^  image\s+Manage the images/m);
    expect((await runCli(['image', '--help'])).stdout).toMatch(/image ls\s+List the images in the store/);
  });

  it('teaches each command with examples', async () => {
    const r = await runCli(['test', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain('--jobs');
  });

  it('prints the demo matrix: excludes, then the include that adds a busybox cell', async () => {
    const r = await runCli(['matrix', '--config', DEMO]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'debian-11/awk=mawk',
      'debian-11/awk=gawk',
      'debian-12/awk=mawk',
      'debian-12/awk=gawk',
      'debian-13/awk=mawk',
      'debian-13/awk=gawk',
      'busybox/awk=awk',
    ]);
    const json = JSON.parse((await runCli(['matrix', '--config', DEMO, '--json'])).stdout) as Array<{
      id: string;
      distro: string;
      arch: string;
      axes: object;
    }>;
    // The demo names no arch: its cells are the host's, and their ids do not name it.
    expect(json[6]).toEqual({ id: 'busybox/awk=awk', distro: 'busybox', arch: hostArch(), axes: { awk: 'awk' } });
  });

  it('names file, line and field of a config error, exits 2, prints no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-cli-'));
    await writeFile(join(dir, 'vmatrix.yml'), 'distros: [debian-12]\nmatrix:\n  build: Debug\ntest: make\n');
    const r = await runCli(['matrix'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('vmatrix.yml:3: matrix.build: expected a list');
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('suggests the closest distro for a typo', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-cli-'));
    await writeFile(join(dir, 'vmatrix.yml'), 'distros: [debian-21]\ntest: make\n');
    const r = await runCli(['matrix'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown distro "debian-21"');
    expect(r.stderr).toContain('debian-12');
  });

  it('says where to run when there is no vmatrix.yml', async () => {
    const r = await runCli(['test'], { cwd: await mkdtemp(join(tmpdir(), 'vmx-cli-')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/vmatrix\.yml.*does not exist/);
  });

  it('rejects an unknown flag as a usage error', async () => {
    const r = await runCli(['matrix', '--jbos', '2', '--config', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--jbos');
  });

  it('lists the catalog, as a table and as JSON', async () => {
    const r = await runCli(['distros']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^debian-12\s+.*apt/m);
    expect(r.stdout).toMatch(/^busybox\s/m);
    const json = JSON.parse((await runCli(['distros', '--json'])).stdout) as Array<{ name: string }>;
    expect(json.map((d) => d.name)).toEqual(expect.arrayContaining(['debian-11', 'debian-12', 'debian-13', 'busybox']));
    // Status is judged on today's date: debian-11's LTS ended 2026-08-31, before any day this test runs.
    expect(r.stdout).toMatch(/^debian-11\s.*\sEOL since 2026-08-31$/m);
    expect(r.stdout).toMatch(/^busybox\s.*\srolling$/m);
    expect(json.find((d) => d.name === 'debian-11')).toMatchObject({
      eol: '2026-08-31',
      eolSource: 'https://wiki.debian.org/LTS',
      status: { state: 'eol', date: '2026-08-31' },
    });
  });

  it("filters the catalog by --arch and shows each distro's arches", async () => {
    const r = await runCli(['distros', '--arch', 'arm64']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ubuntu-24\.04\s+ubuntu-noble\s+apt\s+amd64, arm64\s+lxc, tarball\s+supported until 2029-05-31$/m,
    );
    const json = JSON.parse((await runCli(['distros', '--arch', 'arm64', '--json'])).stdout) as Array<{ arch: string }>;
    expect(json.length).toBeGreaterThan(10);
    expect(json.every((d) => d.arch === 'arm64')).toBe(true);
  });
});
