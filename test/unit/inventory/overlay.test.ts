import { execFileSync } from 'node:child_process';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPackageInventory } from '../../../src/inventory/index.js';
import { OverlayView } from '../../../src/inventory/overlay.js';
import { readRegular } from '../../../src/inventory/read.js';
import { makeLayers, put, removeLayers, type Layers } from './layers.js';
import { pacmanDesc } from './samples.js';

// The merged view of a cell's layers, and what a hostile setup layer can put in it: whiteouts, opaque
// directories, links out of the root, loops, FIFOs, devices and huge files. Device nodes need root.

let l: Layers;
beforeEach(async () => {
  l = await makeLayers();
});
afterEach(() => removeLayers(l));

const STATUS = 'var/lib/dpkg/status';
const paragraph = (name: string, version = '1.0') =>
  `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;
const names = async (pm = 'apt') => (await readPackageInventory(l.lowerdirs, pm)).packages.map((p) => p.name);

describe('the overlay view', () => {
  it('takes a file from the newest layer that has it', async () => {
    await put(l.lower, STATUS, paragraph('from-image'));
    await put(l.upper, STATUS, paragraph('from-setup'));
    expect(await names()).toEqual(['from-setup']);
  });

  it('hides a lower file behind a 0/0 character device or a .wh. file', async () => {
    await put(l.lower, STATUS, paragraph('deleted'));
    await mkdir(join(l.upper, 'var/lib/dpkg'), { recursive: true });
    execFileSync('mknod', [join(l.upper, STATUS), 'c', '0', '0']);
    expect(await readPackageInventory(l.lowerdirs, 'apt')).toMatchObject({
      packages: [],
      packagesNote: '/var/lib/dpkg/status: not found',
    });

    await removeLayers(l);
    l = await makeLayers();
    await put(l.lower, STATUS, paragraph('deleted'));
    await put(l.upper, 'var/lib/dpkg/.wh.status', '');
    expect(await names()).toEqual([]);
  });

  it('merges listings, honouring whiteouts and opaque directories', async () => {
    const local = 'var/lib/pacman/local';
    for (const p of ['bash-5.2.026-2', 'gone-1.0-1', 'wh-2.0-1'])
      await put(l.lower, `${local}/${p}/desc`, pacmanDesc(p.split('-')[0]!, '1-1', 'x86_64'));
    await put(l.upper, `${local}/zsh-5.9-5/desc`, pacmanDesc('zsh', '5.9-5', 'x86_64'));
    execFileSync('mknod', [join(l.upper, local, 'gone-1.0-1'), 'c', '0', '0']);
    await put(l.upper, `${local}/.wh.wh-2.0-1`, '');
    expect(await names('pacman')).toEqual(['bash', 'zsh']);

    await put(l.upper, `${local}/.wh..wh..opq`, '');
    expect(await names('pacman')).toEqual(['zsh']);
  });

  it('lets a directory in an upper layer hide what is not one below it', async () => {
    await put(l.lower, 'var/lib', 'a file where the directory is');
    await put(l.upper, STATUS, paragraph('upper'));
    expect(await names()).toEqual(['upper']);
  });

  it('stops a listing at its entry cap, with a note', async () => {
    for (let i = 0; i < 5; i++) await put(l.lower, `d/f${i}`, '');
    const view = new OverlayView(l.lowerdirs, { entries: 3, bytes: 2 ** 20 });
    expect(await view.list('/d')).toEqual([]);
    expect(view.notes).toEqual(['/d: listed in part (over the cap of 3 directory entries)']);
  });

  it('stops reading once the bytes read by one inventory reach their cap', async () => {
    await put(l.lower, 'a', 'x'.repeat(600));
    await put(l.lower, 'b', 'y'.repeat(600));
    const view = new OverlayView(l.lowerdirs, { entries: 10, bytes: 1000 });
    expect((await view.read('/a', 1024))?.length).toBe(600);
    expect((await view.read('/b', 1024))?.length).toBe(600);
    expect(await view.read('/a', 1024)).toBeUndefined();
    expect(view.notes).toEqual(['/a: not read (over the cap of 1000 B read per inventory)']);
  });
});

describe('links inside the root', () => {
  it('resolves an absolute link from the root of the view, not the host', async () => {
    await mkdir(join(l.upper, 'var/lib'), { recursive: true });
    await symlink('/etc', join(l.upper, 'var/lib/dpkg'));
    await put(l.lower, 'etc/status', paragraph('inside-etc'));
    expect(await names()).toEqual(['inside-etc']);
  });

  it('never climbs above the root with ..', async () => {
    await mkdir(join(l.upper, 'var/lib/dpkg'), { recursive: true });
    await symlink('../../../../../../../../etc/passwd', join(l.upper, STATUS));
    // The host's /etc/passwd is no dpkg database; the root's is read instead, wherever the link points.
    expect(await readPackageInventory(l.lowerdirs, 'apt')).toMatchObject({
      packages: [],
      packagesNote: '/var/lib/dpkg/status: not found',
    });
    await put(l.lower, 'etc/passwd', paragraph('root-passwd'));
    expect(await names()).toEqual(['root-passwd']);
  });

  it('does not reach a host directory named by an absolute link', async () => {
    await put(l.tmp, 'outside/status', paragraph('host-file'));
    await mkdir(join(l.upper, 'var/lib'), { recursive: true });
    await symlink(join(l.tmp, 'outside'), join(l.upper, 'var/lib/dpkg'));
    expect(await names()).toEqual([]);
  });

  it('refuses a loop after 40 links', async () => {
    await mkdir(join(l.upper, 'var/lib/dpkg'), { recursive: true });
    await symlink('loop-b', join(l.upper, 'var/lib/dpkg/loop-a'));
    await symlink('loop-a', join(l.upper, 'var/lib/dpkg/loop-b'));
    await symlink('loop-a', join(l.upper, STATUS));
    expect((await readPackageInventory(l.lowerdirs, 'apt')).packagesNote).toBe(
      '/var/lib/dpkg/status: not read (more than 40 symbolic links)',
    );
  });

  it('opens a final name without following a link, should one appear there', async () => {
    await symlink('/etc/passwd', join(l.upper, 'link'));
    expect(await readRegular(join(l.upper, 'link'), 1024)).toEqual({ refused: 'a symbolic link' });
  });
});

describe('hostile files', () => {
  it('does not wait on a FIFO', async () => {
    await mkdir(join(l.upper, 'var/lib/dpkg'), { recursive: true });
    execFileSync('mkfifo', [join(l.upper, STATUS)]);
    expect((await readPackageInventory(l.lowerdirs, 'apt')).packagesNote).toBe(
      '/var/lib/dpkg/status: not read (not a regular file)',
    );
    // Even when asked to read it directly, past the view's type check.
    expect(await readRegular(join(l.upper, STATUS), 1024)).toEqual({ refused: 'not a regular file' });
  });

  it('does not read a device or a directory', async () => {
    await mkdir(join(l.upper, 'var/lib/dpkg'), { recursive: true });
    execFileSync('mknod', [join(l.upper, STATUS), 'c', '1', '5']); // /dev/zero: never ends
    expect((await readPackageInventory(l.lowerdirs, 'apt')).packagesNote).toBe(
      '/var/lib/dpkg/status: not read (not a regular file)',
    );
    await put(l.upper, 'lib/apk/db/installed/x', '');
    expect((await readPackageInventory(l.lowerdirs, 'apk')).packagesNote).toBe(
      '/lib/apk/db/installed: not read (a directory)',
    );
  });

  it('refuses a database over its cap, keeping what else it read', async () => {
    await put(l.lower, STATUS, paragraph('libc6', '2.36-9'));
    await put(l.upper, 'var/lib/dpkg/updates/0001', '');
    await truncate(join(l.upper, 'var/lib/dpkg/updates/0001'), 5 * 2 ** 20); // sparse: over the 4 MB cap
    const inv = await readPackageInventory(l.lowerdirs, 'apt');
    expect(inv.packages).toEqual([{ name: 'libc6', version: '2.36-9', arch: 'amd64' }]);
    expect(inv.packagesNote).toBe('/var/lib/dpkg/updates/0001: not read (5.0 MB, over the 4.0 MB cap)');

    await writeFile(join(l.upper, 'var/lib/dpkg/updates/0001'), '');
    await put(l.upper, STATUS, '');
    await truncate(join(l.upper, STATUS), 33 * 2 ** 20);
    expect((await readPackageInventory(l.lowerdirs, 'apt')).packagesNote).toBe(
      '/var/lib/dpkg/status: not read (33.0 MB, over the 32.0 MB cap)',
    );
  });

  it('says an unknown package manager has no reader, and never throws on a missing layer', async () => {
    const inv = await readPackageInventory([join(l.tmp, 'nowhere')], 'nix');
    expect(inv).toEqual({
      packageManager: 'nix',
      packages: [],
      packagesNote: 'no reader for the package manager "nix"',
      compilers: [],
    });
  });
});
