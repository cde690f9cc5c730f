import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { artifactCap, artifactMatcher, capWarning, copyArtifacts } from '../../../src/cell/artifacts.js';
import { exists } from '../../../src/util/fs.js';

// A cell's writable dirs as the overlay leaves them, on a real filesystem: files, a whiteout (a 0/0 character
// device: a file the steps deleted), a symlink pointing out of the cell. Making the device needs root.

let tmp: string;
let upper: string;
let srcUpper: string;
let dest: string;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vmx-artifacts-'));
  [upper, srcUpper, dest] = [join(tmp, 'upper'), join(tmp, 'src-upper'), join(tmp, 'artifacts')];
  await put(join(srcUpper, 'build/test-results/a.xml'), '<a/>');
  await put(join(srcUpper, 'build/test-results/deep/b.xml'), '<b/>');
  await put(join(srcUpper, 'build/main.o'), 'obj');
  await put(join(srcUpper, 'build/logs/.hidden.log'), 'dot');
  execFileSync('mknod', [join(srcUpper, 'build/test-results/deleted.xml'), 'c', '0', '0']);
  await symlink('/etc/passwd', join(srcUpper, 'build/test-results/escape.xml'));
  await put(join(upper, 'var/log/app.log'), 'app');
  await put(join(upper, 'src/shadowed.xml'), 'hidden by the project overlay');
  await put(join(upper, 'tmp/b/Testing/Temporary/LastTest.log'), 'ctest');
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('artifactMatcher', () => {
  const match = artifactMatcher(['build/**/*.xml', '/var/log/*.log', 'build/logs/', '../etc/x'], '/src');
  it('reads relative globs from the workdir, takes absolute ones as they are, and a directory whole', () => {
    expect(match('/src/build/test-results/a.xml')).toBe(true);
    expect(match('/src/build/main.o')).toBe(false);
    expect(match('/var/log/app.log')).toBe(true);
    expect(match('/src/build/logs/.hidden.log')).toBe(true);
    expect(match('/src/build/logs/sub/x')).toBe(true);
    expect(match('/etc/x')).toBe(true);
    expect(match('/build/test-results/a.xml')).toBe(false);
  });
});

describe('copyArtifacts', () => {
  it('copies the matching regular files the steps wrote, keeping their paths, and nothing else', async () => {
    const copied = await copyArtifacts({
      patterns: ['build/test-results/**', '/var/log/*.log', '/src/*.xml', '/tmp/b/Testing'],
      workdir: '/src',
      upper,
      srcUpper,
      dest,
      maxBytes: 1 << 20,
    });
    expect(copied.files).toEqual([
      'build/test-results/a.xml',
      'build/test-results/deep/b.xml',
      '_root/tmp/b/Testing/Temporary/LastTest.log',
      '_root/var/log/app.log',
    ]);
    expect(copied.bytes).toBe(4 + 4 + 5 + 3);
    expect(copied.left).toEqual({ files: 0, bytes: 0 });
    expect(await readFile(join(dest, 'build/test-results/deep/b.xml'), 'utf8')).toBe('<b/>');
    expect(await readFile(join(dest, '_root/var/log/app.log'), 'utf8')).toBe('app');
    // the whiteout, the symlink and the root's files under the workdir are not there
    for (const left of [
      'build/test-results/deleted.xml',
      'build/test-results/escape.xml',
      'shadowed.xml',
      '_root/src/shadowed.xml',
    ]) {
      expect(await exists(join(dest, left))).toBe(false);
    }
  });

  it('leaves out what would take the total over the cap, and says so', async () => {
    await put(join(srcUpper, 'build/test-results/big.xml'), 'x'.repeat(100));
    const copied = await copyArtifacts({
      patterns: ['build/**/*.xml'],
      workdir: '/src',
      upper,
      srcUpper,
      dest,
      maxBytes: 10,
    });
    expect(copied.files).toEqual(['build/test-results/a.xml', 'build/test-results/deep/b.xml']);
    expect(copied.left).toEqual({ files: 1, bytes: 100 });
    expect(await exists(join(dest, 'build/test-results/big.xml'))).toBe(false);
    expect(capWarning(copied, 10)).toBe(
      'artifacts: 1 file (100 B) not copied: over the 10 B cap per cell (raise it with VMATRIX_ARTIFACTS_MAX_SIZE)',
    );
  });

  it('makes plain copies of the invoking user: no set-id, sticky or group/world-write bit, 0644 or 0755', async () => {
    const modes: Record<string, number> = {
      'out/suid': 0o4755,
      'out/sgid-ww': 0o2777,
      'out/ww': 0o666,
      'out/sticky-dir/f': 0o1640,
    };
    for (const [path, mode] of Object.entries(modes)) {
      await put(join(srcUpper, path), path);
      await chmod(join(srcUpper, path), mode);
    }
    await chmod(join(srcUpper, 'out/sticky-dir'), 0o1777);
    const owner = { uid: 4242, gid: 4343 };
    const copied = await copyArtifacts({
      patterns: ['out/'],
      workdir: '/src',
      upper,
      srcUpper,
      dest,
      maxBytes: 1 << 20,
      owner,
    });
    expect(copied.files).toEqual(['out/sgid-ww', 'out/sticky-dir/f', 'out/suid', 'out/ww']);
    const facts = async (path: string) => {
      const st = await lstat(join(dest, path));
      return [(st.mode & 0o7777).toString(8), st.uid, st.gid];
    };
    expect(await facts('out/suid')).toEqual(['755', 4242, 4343]);
    expect(await facts('out/sgid-ww')).toEqual(['755', 4242, 4343]);
    expect(await facts('out/ww')).toEqual(['644', 4242, 4343]);
    expect(await facts('out/sticky-dir/f')).toEqual(['644', 4242, 4343]);
    expect(await facts('out/sticky-dir')).toEqual(['755', 4242, 4343]);
  });

  it('never writes through a link at the destination: an existing name makes the copy fail', async () => {
    await mkdir(join(dest, 'build/test-results'), { recursive: true });
    const victim = join(tmp, 'victim');
    await writeFile(victim, 'unchanged');
    await symlink(victim, join(dest, 'build/test-results/a.xml'));
    await expect(
      copyArtifacts({
        patterns: ['build/test-results/a.xml'],
        workdir: '/src',
        upper,
        srcUpper,
        dest,
        maxBytes: 1 << 20,
      }),
    ).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(victim, 'utf8')).toBe('unchanged');
  });

  it('copies nothing, and fails not, when the cell never wrote its dirs', async () => {
    const copied = await copyArtifacts({
      patterns: ['**'],
      workdir: '/src',
      upper: join(tmp, 'none'),
      srcUpper: join(tmp, 'none2'),
      dest,
      maxBytes: 10,
    });
    expect(copied).toEqual({ files: [], bytes: 0, left: { files: 0, bytes: 0 } });
    expect(capWarning(copied, 10)).toBeUndefined();
  });
});

describe('artifactCap', () => {
  it('is 256 MB unless VMATRIX_ARTIFACTS_MAX_SIZE says otherwise, and refuses what is not a size', () => {
    expect(artifactCap({})).toBe(256 * 2 ** 20);
    expect(artifactCap({ VMATRIX_ARTIFACTS_MAX_SIZE: '1g' })).toBe(2 ** 30);
    expect(() => artifactCap({ VMATRIX_ARTIFACTS_MAX_SIZE: 'lots' })).toThrow(
      expect.objectContaining({ code: 'BAD_ARTIFACTS_CAP' }),
    );
  });
});
