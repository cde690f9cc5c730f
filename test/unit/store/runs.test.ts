import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { idsInUse, liveRuns, liveStaging, recordUse } from '../../../src/store/index.js';
import { deadOwner, storeMaker } from '../../helpers/store.js';

// What the store tells about the vmatrix processes using it: live runs (for ps, kill and prune) and live staging dirs.

const base = await mkdtemp(join(tmpdir(), 'vmx-runs-'));
afterAll(() => rm(base, { recursive: true, force: true }));
const freshStore = storeMaker(base);

describe('run records', () => {
  it('createRunDir writes what runs there beside the owner record', async () => {
    const store = await freshStore();
    const dir = await store.createRunDir('run-a', {
      project: '/home/ann/lib',
      cells: { 'debian-12-cc-gcc': 'debian-12/cc=gcc' },
    });
    const info = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ project: '/home/ann/lib', cells: { 'debian-12-cc-gcc': 'debian-12/cc=gcc' } });
    expect(Date.now() - Date.parse(info.startedAt as string)).toBeLessThan(60_000);
  });

  it('lists runs whose vmatrix is alive, never those of a dead one', async () => {
    const store = await freshStore();
    await store.createRunDir('run-live', { project: '/p' });
    const dead = join(store.cellsDir(), 'run-dead');
    await mkdir(dead);
    await writeFile(join(dead, 'owner'), await deadOwner());
    await mkdir(join(store.cellsDir(), 'run-no-owner'));
    const runs = await liveRuns(store.cellsDir());
    expect(runs.map((r) => [r.id, r.owner.pid, r.info.project])).toEqual([['run-live', process.pid, '/p']]);
  });

  it('falls back to the owner record when a run has no run.json (an older vmatrix)', async () => {
    const store = await freshStore();
    const dir = await store.createRunDir('run-old');
    await rm(join(dir, 'run.json'));
    const [run] = await liveRuns(store.cellsDir());
    expect(run?.info).toEqual({ startedAt: run?.owner.created });
  });

  it('has nothing running in a store that does not exist yet', async () => {
    expect(await liveRuns(join(base, 'missing', 'cells'))).toEqual([]);
    expect(await liveStaging(join(base, 'missing', 'tmp'))).toEqual([]);
  });

  it('lists the staging dirs of live processes only', async () => {
    const store = await freshStore();
    const live = await store.staging('layer');
    await writeFile(join(store.tmpDir(), 'layer-dead.owner'), await deadOwner());
    await mkdir(join(store.tmpDir(), 'layer-dead'));
    expect((await liveStaging(store.tmpDir())).map((s) => [s.dir, s.owner.pid])).toEqual([[live, process.pid]]);
  });

  it('counts the ids used by live runs only (what prune must keep)', async () => {
    const store = await freshStore();
    await recordUse(await store.createRunDir('run-live'), ['img-a']);
    const dead = join(store.cellsDir(), 'run-dead');
    await mkdir(dead);
    await writeFile(join(dead, 'owner'), await deadOwner());
    await recordUse(dead, ['img-b']);
    const { ids, liveRuns: n } = await idsInUse(store.cellsDir());
    expect([...ids]).toEqual(['img-a']);
    expect(n).toBe(1);
  });
});
