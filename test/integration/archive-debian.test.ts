import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decompress, extractTar } from '../../src/archive/index.js';
import { execOrThrow } from '../../src/util/exec.js';
import { debianTarball, type DebianRelease } from '../fixtures/debian-roots.js';
import { diffSnapshots, snapshotTree } from '../helpers/tree-snapshot.js';

// Our extractor against GNU tar on real Debian roots built by mmdebstrap: every node must come out the
// same (type, mode incl. setuid, owner, size, link target, content, devices, hardlinks, capabilities).

const work = await mkdtemp(join(tmpdir(), 'vmx-archive-debian-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('extracting a real Debian root', () => {
  for (const release of ['11', '12', '13'] as DebianRelease[]) {
    it(`debian-${release}: the same tree as GNU tar, file by file`, async () => {
      expect(process.getuid?.(), 'runs as root, like vmatrix extracting into its store').toBe(0);
      const tarball = await debianTarball(release);
      const ours = join(work, `ours-${release}`);
      const gnu = join(work, `gnu-${release}`);

      let started = performance.now();
      const result = await extractTar(await decompress(createReadStream(tarball)), ours);
      const oursMs = performance.now() - started;

      started = performance.now();
      await execOrThrow('mkdir', ['-p', gnu]);
      await execOrThrow('sh', [
        '-c',
        'zstd -dc "$1" | tar -x -p --numeric-owner --xattrs --xattrs-include="*" -C "$2"',
        'sh',
        tarball,
        gnu,
      ]);
      const gnuMs = performance.now() - started;
      console.log(
        `debian-${release}: ${result.entries} entries, ${(result.bytes / 1e6).toFixed(0)} MB: ours ${oursMs.toFixed(0)} ms, GNU tar ${gnuMs.toFixed(0)} ms (x${(oursMs / gnuMs).toFixed(2)})`,
      );

      const [a, b] = await Promise.all([snapshotTree(ours), snapshotTree(gnu)]);
      expect(diffSnapshots(a, b)).toEqual([]);
      expect(a.size).toBeGreaterThan(5000);
      expect(a.get('usr/bin/passwd')?.mode).toBe('4755'); // setuid survived
      expect(a.get('dev/null')).toMatchObject({ type: 'char', rdev: 0x103 });
      expect(result.skippedDevices).toBe(0);
      await rm(ours, { recursive: true });
      await rm(gnu, { recursive: true });
    }, 600_000);
  }
});
