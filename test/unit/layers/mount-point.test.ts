import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeMountPoint } from '../../../src/layers/build.js';

// A setup layer's upper dir is the project's writing. Where the kernel lets overlayfs rename a directory of a
// lower layer (redirect_dir), setup can move /run away, mount point and all, and put a link to a host path in
// its place: removing the package cache's mount point must not follow it (docs/safety.md rule 29).

let dir: string;
let upper: string;
let canary: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmx-mountpoint-'));
  upper = join(dir, 'diff');
  canary = join(dir, 'host');
  await mkdir(join(canary, 'vmatrix-cache'), { recursive: true });
});

afterEach(() => rm(dir, { recursive: true, force: true }));

describe('removeMountPoint', () => {
  it('removes the empty mount point of a finished upper dir', async () => {
    await mkdir(join(upper, 'run/vmatrix-cache'), { recursive: true });
    await removeMountPoint(upper, '/run/vmatrix-cache');
    expect(await readdir(join(upper, 'run'))).toEqual([]);
  });

  it('leaves the host dir alone when setup put a link to it where the mount point was', async () => {
    await mkdir(join(upper, 'run.moved/vmatrix-cache'), { recursive: true });
    await symlink(canary, join(upper, 'run'));
    await removeMountPoint(upper, '/run/vmatrix-cache');
    expect(await readdir(canary)).toEqual(['vmatrix-cache']);
  });

  it('leaves a mount point that is not empty, and an upper dir without one', async () => {
    await mkdir(join(upper, 'run/vmatrix-cache/kept'), { recursive: true });
    await removeMountPoint(upper, '/run/vmatrix-cache');
    expect(await readdir(join(upper, 'run/vmatrix-cache'))).toEqual(['kept']);
    await expect(removeMountPoint(join(dir, 'none'), '/run/vmatrix-cache')).resolves.toBeUndefined();
  });
});
