import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackageInventory } from '../../src/inventory/index.js';
import { execOrThrow } from '../../src/util/exec.js';
import { debianTarball } from '../fixtures/debian-roots.js';

// The inventory of a REAL Debian 12 root (mmdebstrap minbase, from test/fixtures), under an empty setup layer,
// against the host's own dpkg-query reading the same database.

let work: string;
let root: string;
let upper: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-inventory-'));
  [root, upper] = [join(work, 'rootfs'), join(work, 'upper')];
  await mkdir(root);
  await mkdir(upper);
  await execOrThrow('tar', ['--zstd', '-xf', await debianTarball('12'), '-C', root]);
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('inventory of a real Debian 12 root', () => {
  it("lists what dpkg-query lists as installed, with libc6's version as glibc", async () => {
    const started = performance.now();
    const inv = await readPackageInventory([upper, root], 'apt');
    const ms = performance.now() - started;
    const listed = await execOrThrow('dpkg-query', [
      `--admindir=${join(root, 'var/lib/dpkg')}`,
      '-W',
      '-f=${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\n',
    ]);
    const expected = listed
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([status]) => status === 'installed')
      .map(([, name, version, arch]) => ({ name, version, arch }))
      .sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));
    console.log(`debian-12: ${inv.packages.length} packages read in ${ms.toFixed(1)} ms`);
    expect(expected.length).toBeGreaterThan(80);
    expect(inv.packages).toEqual(expected);
    expect(inv.packagesNote).toBeUndefined();
    const libc6 = expected.find((p) => p.name === 'libc6')!;
    expect(inv.libc).toEqual({ name: 'glibc', version: libc6.version, from: 'libc6' });
  });

  it("reads glibc's own version from its libc.so.6 when no package database is read", async () => {
    const inv = await readPackageInventory([upper, root], 'dnf');
    expect(inv.libc).toEqual({
      name: 'glibc',
      version: '2.36',
      from: expect.stringMatching(/^\/lib\/[a-z0-9_]+-linux-gnu[a-z]*\/libc\.so\.6$/),
    });
  });
});
