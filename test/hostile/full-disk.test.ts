import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File, tarballCatalog } from '../fixtures/catalog.js';
import { debianTarball } from '../fixtures/debian-roots.js';
import { serveFile, type FileServer } from '../helpers/file-server.js';
import { runCli, spawnCapture, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { RunResult } from '../../src/results/types.js';

// The store on a tmpfs too small for what vmatrix must write into it: first for the download, then for
// the extracted image, then (with room for the image) for what a cell writes, since a cell's writable
// layers live in the store's cells/. A full store is an environment error (exit 3) that names the store
// and says what to do, never a raw errno; afterwards the store holds nothing half-made, staged or
// locked; and once there is room the next run passes. The project, and so the run's results, are on
// another filesystem.

const TARBALL = '/debian-12.tar.zst';
const MIB = 2 ** 20;

let work: string;
let mountPoint: string;
let home: string;
let project: string;
let server: FileServer;
let env: Record<string, string>;
let blobMiB: number;
const httpCatalog = (dir: string, url: string, sha256: string): Promise<string> =>
  tarballCatalog(dir, [{ release: '12', url, sha256, description: 'Debian 12 (test tarball over http)' }]);

async function mount(args: string[]): Promise<void> {
  const r = await spawnCapture('mount', args, {});
  expect(r.code, r.stderr).toBe(0);
}

/** Gives the store's tmpfs `mib` MiB: a remount keeps what is on it. */
const resize = (mib: number) => mount(['-o', `remount,size=${mib}m`, mountPoint]);

const test = (only: string) => runCli(['test', '--reporter', 'plain', '--only', `fill=${only}`], { cwd: project, env });

async function latestResults(): Promise<RunResult> {
  return JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}

async function usedBytes(): Promise<number> {
  const s = await statfs(mountPoint);
  return (s.blocks - s.bfree) * s.bsize;
}

/** Exit 3, and a message a person can act on: what is full, where, and what to do. */
async function expectStoreFull(run: CliResult): Promise<void> {
  const output = run.stdout + run.stderr;
  expect(run.code, output).toBe(3);
  expect(run.stdout).toContain(
    `no space left in the store ${home} while getting the image of debian-12: its filesystem is full`,
  );
  expect(run.stdout).toMatch(
    /hint: free space on that filesystem .*, or set VMATRIX_HOME to a directory on a filesystem with more room/,
  );
  expect(output).not.toMatch(/ENOSPC|errno|\n\s+at .+:\d+:\d+\)?\n|this is a bug/);
  const result = await latestResults();
  expect(result.cells.map((c) => [c.status, c.phase])).toEqual([['error', 'image']]);
  expect(result.cells[0]!.message).toContain(`no space left in the store ${home}`);
}

/** Nothing half-made, staged, locked or mounted: every image dir is a whole image. */
async function expectConsistent(): Promise<void> {
  for (const id of await readdir(join(home, 'images')))
    expect(existsSync(join(home, 'images', id, 'image.json')), id).toBe(true);
  for (const id of await readdir(join(home, 'layers')))
    expect(existsSync(join(home, 'layers', id, 'layer.json')), id).toBe(true);
  expect(await readdir(join(home, 'tmp'))).toEqual([]);
  expect(await readdir(join(home, 'locks'))).toEqual([]);
  expect(await readdir(join(home, 'cells'))).toEqual([]);
  expect(
    (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(`${mountPoint}/`)),
  ).toEqual([]);
}

beforeAll(async () => {
  const file = await debianTarball('12');
  blobMiB = Math.ceil((await stat(file)).size / MIB);
  server = await serveFile(TARBALL, file);
  const { port } = server;
  work = await mkdtemp(join(tmpdir(), 'vmx-full-disk-'));
  mountPoint = join(work, 'fs');
  await mkdir(mountPoint);
  await mount(['-t', 'tmpfs', '-o', `size=${Math.floor(blobMiB / 2)}m,mode=0700`, 'vmx-full-disk', mountPoint]);
  home = join(mountPoint, 'store');
  project = await gitProject('full-disk');
  env = {
    VMATRIX_HOME: home,
    VMATRIX_CATALOG: await httpCatalog(
      join(work, 'catalog'),
      `http://127.0.0.1:${port}${TARBALL}`,
      await sha256File(file),
    ),
  };
}, 900_000);

afterAll(async () => {
  await server?.close();
  if (mountPoint && (await readFile('/proc/self/mountinfo', 'utf8')).includes(` ${mountPoint} `))
    await spawnCapture('umount', [mountPoint], {});
  if (work) await rm(work, { recursive: true, force: true });
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the store on a full filesystem', { tags: ['safety', 'full-disk'] }, () => {
  it('a download that does not fit: exit 3 naming the store, one GET (no retries), and no partial left filling it', async () => {
    await expectStoreFull(await test('no'));
    expect(server.askedFor(TARBALL)).toHaveLength(1);
    expect(await readdir(join(home, 'blobs/sha256'))).toEqual([]);
    expect(await readdir(join(home, 'images'))).toEqual([]);
    await expectConsistent();
  });

  it('an image that does not fit: exit 3 naming the store; the verified blob stays, nothing of the image does', async () => {
    // Room for the tarball and as much again, and a Debian root is more than twice its zstd tarball.
    await resize(blobMiB * 2);
    await expectStoreFull(await test('no'));
    expect(await readdir(join(home, 'blobs/sha256'))).toHaveLength(1);
    expect(await readdir(join(home, 'images'))).toEqual([]);
    await expectConsistent();
  });

  it('with room again, the next run passes, without downloading the blob again', async () => {
    await resize(blobMiB * 10);
    const run = await test('no');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(server.askedFor(TARBALL)).toHaveLength(2);
    expect(await readdir(join(home, 'images'))).toHaveLength(1);
    await expectConsistent();
  });

  it('a cell that fills the filesystem fails as a cell; the results are written and the space comes back', async () => {
    const before = await usedBytes();
    const run = await test('yes');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/FAIL .* debian-12\/fill=yes {2}\(step "fill" exited 1\)/);
    expect(run.stdout).toContain('No space left on device');
    const result = await latestResults();
    expect(result.cells.map((c) => [c.status, c.step])).toEqual([['failed', 'fill']]);
    const log = await readFile(join(project, result.cells[0]!.logPath), 'utf8');
    expect(log).toMatch(/dd: error writing '\/src\/big': No space left on device/);
    await expectConsistent();
    // The cell's writable layers went with it: the store is as full as before the run, within a few pages.
    expect(Math.abs((await usedBytes()) - before)).toBeLessThan(MIB);
    const next = await test('no');
    expect(next.code, next.stdout + next.stderr).toBe(0);
  });

  it('a full filesystem for the reports (--output): exit 3 saying so, no crash, and the cells cleaned up', async () => {
    const out = join(work, 'out');
    await mkdir(out);
    await mount(['-t', 'tmpfs', '-o', 'size=1m', 'vmx-full-output', out]);
    try {
      await spawnCapture('dd', ['if=/dev/zero', `of=${join(out, 'fill')}`, 'bs=64k', 'count=32'], {});
      const run = await runCli(['test', '--reporter', 'plain', '--only', 'fill=no', '--output', join(out, 'runs')], {
        cwd: project,
        env,
      });
      const output = run.stdout + run.stderr;
      expect(run.code, output).toBe(3);
      expect(output).toMatch(/could not write the cell log .*log\.txt: ENOSPC/);
      expect(run.stderr).toContain(
        'hint: that filesystem is full: free space on it, or write elsewhere (--output DIR for reports',
      );
      expect(output).not.toMatch(/this is a bug|Unhandled|\n\s+at .+:\d+:\d+\)?\n/);
      await expectConsistent();
    } finally {
      await spawnCapture('umount', [out], {});
    }
  });
});
