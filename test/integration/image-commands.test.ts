import { chmod, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findStaticBusybox } from '../../src/images/index.js';
import { recordUse, Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { tarOf } from '../helpers/tar.js';

// The store management commands as a user runs them (the built CLI, a temp VMATRIX_HOME): pull, ls,
// inspect, import (tarball and directory) then run and test in the imported image, prune, rm.

let env: Record<string, string>;
let work: string;
let store: Store;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-image-commands-'));
  env = { VMATRIX_HOME: join(work, 'store') };
  store = new Store(env.VMATRIX_HOME!);
  const busybox = await readFile(await findStaticBusybox());
  const root = gzipSync(
    await tarOf([
      { name: './', type: 'directory' },
      { name: './bin/', type: 'directory' },
      { name: './bin/busybox', content: busybox, mode: 0o755 },
      ...['sh', 'cat', 'echo', 'test'].map((n) => ({
        name: `./bin/${n}`,
        type: 'symlink' as const,
        linkname: 'busybox',
      })),
      { name: './etc/os-release', content: 'ID=myos\nVERSION_ID=7\n' },
    ]),
  );
  await writeFile(join(work, 'myos.tar.gz'), root);
  // The same kind of root as a directory.
  const dir = join(work, 'dirroot');
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'etc'));
  await writeFile(join(dir, 'bin/busybox'), busybox);
  await chmod(join(dir, 'bin/busybox'), 0o755);
  for (const n of ['sh', 'cat']) await symlink('busybox', join(dir, 'bin', n));
  await writeFile(join(dir, 'etc/os-release'), 'ID=dir-os\n');
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function cli(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(args, { env, cwd });
}

describe('vmatrix image', () => {
  it('pull fetches busybox; ls and inspect show it', async () => {
    const pull = await cli(['image', 'pull', 'busybox']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/^busybox: image [0-9a-f]{16} \(/m);
    expect((await cli(['image', 'pull', 'busybox', '--offline'])).stdout).toContain('already in the store');
    const ls = await cli(['image', 'ls']);
    expect(ls.stdout).toMatch(/^ID\s+DISTRO\s+RELEASE\s+ARCH\s+SOURCE\s+DIGEST\s+SIZE\s+LAST USED$/m);
    expect(ls.stdout).toMatch(/^[0-9a-f]{16}\s+busybox\s+\S+\s+\S+\s+busybox\s+[0-9a-f]{12}\s+/m);
    const inspect = await cli(['image', 'inspect', 'busybox']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({
      kind: 'image',
      distro: 'busybox',
      layers: [],
      lastUsed: expect.any(String),
    });
  });

  it('offline, a distro not in the store is a clear error', async () => {
    const r = await cli(['image', 'pull', 'debian-12', '--offline']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('offline: debian-12 is not in the store; run without --offline once');
  });

  it('imports a tarball under a name that `run` and `test` then accept', async () => {
    const imp = await cli(['image', 'import', join(work, 'myos.tar.gz'), '--as', 'myos']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/^imported .* as myos: image [0-9a-f]{16}/);
    const run = await cli(['run', 'myos', '--', 'cat', '/etc/os-release']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ID=myos');
    const project = await mkdtemp(join(work, 'project-'));
    await writeFile(join(project, 'vmatrix.yml'), 'distros: [myos]\ntest:\n  - cat /etc/os-release\n');
    await simpleGit(project).init();
    const test = await cli(['test'], project);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')).toContain('"distro": "myos"');
    expect((await cli(['image', 'import', join(work, 'myos.tar.gz'), '--as', 'debian-12'])).code).toBe(2);
  });

  it('imports the same tarball again as the same image, and leaves no staging dir behind', async () => {
    // The digest is computed while the extraction runs: once it names an image in the store, the second
    // extraction is stopped and its staging dir removed.
    const first = await cli(['image', 'import', join(work, 'myos.tar.gz'), '--as', 'myos-a']);
    expect(first.code, first.stderr).toBe(0);
    const again = await cli(['image', 'import', join(work, 'myos.tar.gz'), '--as', 'myos-b']);
    expect(again.code, again.stderr).toBe(0);
    const idOf = (out: string): string | undefined => /image ([0-9a-f]{16})/.exec(out)?.[1];
    expect(idOf(again.stdout)).toBe(idOf(first.stdout));
    expect(await readdir(store.tmpDir())).toEqual([]);
  });

  it('imports a directory', async () => {
    expect((await cli(['image', 'import', join(work, 'dirroot'), '--as', 'dir-os'])).code).toBe(0);
    const run = await cli(['run', 'dir-os', '--', 'cat', '/etc/os-release']);
    expect(run.stdout, run.stderr).toContain('ID=dir-os');
  });

  it('prune --dry-run lists an unused image, prune removes it, and never one in use', async () => {
    const images = await store.listImages();
    const dirOs = images.find((m) => m.distro === 'dir-os')!;
    const myos = images.find((m) => m.distro === 'myos')!;
    const old = new Date(Date.now() - 90 * 86_400_000);
    for (const id of [dirOs.id, myos.id]) await utimes(join(store.imageDir(id), 'last-used'), old, old);
    // A live run (this process) using myos: prune must leave it.
    const runDir = await store.createRunDir('test-prune-run');
    await recordUse(runDir, [myos.id]);
    try {
      const dry = await cli(['image', 'prune', '--older-than', '30d', '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain(`would remove image ${dirOs.id} (dir-os`);
      expect(dry.stdout).not.toContain(myos.id);
      expect(await readdir(join(store.root, 'images'))).toContain(dirOs.id);
      const real = await cli(['image', 'prune', '--older-than', '30d']);
      expect(real.stdout).toContain(`removed image ${dirOs.id}`);
      expect(await readdir(join(store.root, 'images'))).not.toContain(dirOs.id);
      // Its name went with it.
      expect((await cli(['run', 'dir-os', '--', 'true'])).code).toBe(2);
      const refused = await cli(['image', 'rm', 'myos']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('is used by a running vmatrix');
    } finally {
      await rm(runDir, { recursive: true });
    }
  });

  it('rm removes an image by name and its name with it', async () => {
    const r = await cli(['image', 'rm', 'myos']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^removed image [0-9a-f]{16} \(myos/m);
    expect((await cli(['run', 'myos', '--', 'true'])).code).toBe(2); // unknown distro again
    expect((await cli(['image', 'rm', 'nothing-like-this'])).code).toBe(2);
  });
});
