import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRunning } from '../../../src/processes/ps.js';
import type { CellMarker } from '../../../src/vps/types.js';
import { cellPaths } from '../../../src/vps/layout.js';
import { deadOwner, storeMaker } from '../../helpers/store.js';

// `vmatrix ps` reads the store: live runs, and the cell dirs that hold a marker. The cells here are dirs laid
// out as vps lays them out (marker + spec); the integration test runs real ones.

const base = await mkdtemp(join(tmpdir(), 'vmx-ps-'));
afterAll(() => rm(base, { recursive: true, force: true }));
const freshStore = storeMaker(base);

async function fakeCell(dir: string, id: string, hostname: string, created: string): Promise<void> {
  const paths = cellPaths(dir);
  await mkdir(dirname(paths.config), { recursive: true });
  const marker: CellMarker = { id, pid: process.pid, created };
  await writeFile(paths.marker, JSON.stringify(marker));
  await writeFile(paths.config, JSON.stringify({ hostname }));
}

describe('listRunning', () => {
  it('lists the running cells of live runs by their matrix cell id, with the run, project and running time', async () => {
    const store = await freshStore();
    const run = await store.createRunDir('run-a', {
      project: '/home/ann/lib',
      cells: { 'debian-12-cc-gcc': 'debian-12/cc=gcc', 'debian-12-cc-clang': 'debian-12/cc=clang' },
    });
    const now = Date.parse('2025-03-01T10:00:00Z');
    await fakeCell(
      join(run, 'debian-12-cc-gcc'),
      'vmx-1-0-debian-12-cc-gcc',
      'debian-12-cc-gcc',
      '2025-03-01T09:59:30Z',
    );
    await mkdir(join(run, 'debian-12-cc-clang')); // created, no marker yet: not running
    const { runs, cells } = await listRunning(store, now);
    expect(runs).toEqual([{ id: 'run-a', pid: process.pid, project: '/home/ann/lib', startedAt: expect.any(String) }]);
    expect(cells).toEqual([
      {
        run: 'run-a',
        pid: process.pid,
        project: '/home/ann/lib',
        cell: 'debian-12/cc=gcc',
        container: 'vmx-1-0-debian-12-cc-gcc',
        startedAt: '2025-03-01T09:59:30Z',
        runningMs: 30_000,
      },
    ]);
  });

  it('names a cell the run did not list by its hostname (the distro of `vmatrix run`)', async () => {
    const store = await freshStore();
    const run = await store.createRunDir('run-b');
    await fakeCell(join(run, 'cell'), 'vmx-run-run-b', 'debian-12', new Date().toISOString());
    const { cells } = await listRunning(store);
    expect(cells.map((c) => [c.run, c.cell, c.container, c.project])).toEqual([
      ['run-b', 'debian-12', 'vmx-run-run-b', undefined],
    ]);
  });

  it('lists a setup layer being built in a staging dir under the run of the same vmatrix', async () => {
    const store = await freshStore();
    await store.createRunDir('run-c', { project: '/p' });
    const staging = await store.staging('layer');
    await fakeCell(join(staging, 'cell'), 'vmx-layer-0a1b-77', 'setup-debian-12', new Date().toISOString());
    const { cells } = await listRunning(store);
    expect(cells.map((c) => [c.run, c.cell, c.container, c.project])).toEqual([
      ['run-c', 'setup-debian-12', 'vmx-layer-0a1b-77', '/p'],
    ]);
  });

  it('leaves out runs whose vmatrix is dead, and markers that are not a cell', async () => {
    const store = await freshStore();
    const dead = join(store.cellsDir(), 'run-dead');
    await mkdir(dead);
    await writeFile(join(dead, 'owner'), await deadOwner());
    await fakeCell(join(dead, 'x'), 'vmx-9-0-x', 'x', new Date().toISOString());
    const live = await store.createRunDir('run-d');
    await fakeCell(join(live, 'bad'), '../../escape', 'bad', new Date().toISOString());
    const { runs, cells } = await listRunning(store);
    expect(runs.map((r) => r.id)).toEqual(['run-d']);
    expect(cells).toEqual([]);
  });

  it('has nothing running in an empty store', async () => {
    expect(await listRunning(await freshStore())).toEqual({ runs: [], cells: [] });
  });
});
