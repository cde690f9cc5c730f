import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File, tarballCatalog } from '../fixtures/catalog.js';
import { debianTarball } from '../fixtures/debian-roots.js';
import { serveFile, type FileServer } from '../helpers/file-server.js';
import { runCli } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { RunResult } from '../../src/results/types.js';

// SAFETY 15 and 26 with real processes: four `vmatrix test` started together on one project and one empty
// store. The Debian image comes from a server on 127.0.0.1 that logs what it is asked for, and the
// project's setup step asks it for /setup-ran at each layer build: one download, one extracted tree, one
// layer build, and four runs that pass.

const RUNS = 4;
const TARBALL = '/debian-12.tar.zst';

let work: string;
let project: string;
let home: string;
let server: FileServer;
let env: Record<string, string>;
const httpCatalog = (dir: string, url: string, sha256: string): Promise<string> =>
  tarballCatalog(dir, [{ release: '12', url, sha256, description: 'Debian 12 (test tarball over http)' }]);

beforeAll(async () => {
  const file = await debianTarball('12');
  server = await serveFile(TARBALL, file);
  const { port } = server;
  work = await mkdtemp(join(tmpdir(), 'vmx-concurrency-'));
  project = await gitProject('concurrency');
  await writeFile(join(project, 'ci/port'), `${port}\n`);
  home = join(work, 'store');
  // The setup step reports each layer build to the server on the host's loopback, which setup's own
  // network never reaches (test/hostile/setup-network): here the operator gives setup the host's network.
  env = {
    VMATRIX_SETUP_NETWORK: 'host',
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
  await rm(work, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

describe('several vmatrix processes on one project and one empty store', { tags: ['safety', 'concurrency'] }, () => {
  it(`${RUNS} runs at once: one download, one image, one layer build, and every cell of every run passes`, async () => {
    const runs = await Promise.all(
      Array.from({ length: RUNS }, () => runCli(['test', '--reporter', 'plain'], { cwd: project, env })),
    );
    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^2 cells: 2 passed, 0 failed in /m);
    }

    // One GET of the blob, and a whole one: nobody downloaded it a second time or resumed someone else's.
    expect(server.askedFor(TARBALL)).toEqual([{ path: TARBALL, range: undefined }]);
    expect(server.askedFor('/setup-ran')).toHaveLength(1);

    // Every cell of every run stands on the same image and the same layer.
    const runsDir = join(project, '.vmatrix/runs');
    const ids = (await readdir(runsDir)).filter((n) => n !== 'latest' && !n.startsWith('.'));
    expect(ids).toHaveLength(RUNS);
    const results = await Promise.all(
      ids.map(async (id) => JSON.parse(await readFile(join(runsDir, id, 'results.json'), 'utf8')) as RunResult),
    );
    const cells = results.flatMap((r) => r.cells);
    expect(cells).toHaveLength(RUNS * 2);
    expect(cells.every((c) => c.status === 'passed')).toBe(true);
    expect(new Set(cells.map((c) => c.imageId)).size).toBe(1);
    expect(new Set(cells.map((c) => c.layerId)).size).toBe(1);
    // One run built it (both its cells say so); the others found it in the store.
    expect(results.filter((r) => r.cells.some((c) => c.setupCached === false))).toHaveLength(1);

    // SAFETY 15: exactly one tree committed, each with its metadata; nothing staged, locked or left running.
    const [image] = cells.map((c) => c.imageId!);
    const [layer] = cells.map((c) => c.layerId!);
    expect(await readdir(join(home, 'images'))).toEqual([image]);
    expect(await readdir(join(home, 'images', image!))).toEqual(expect.arrayContaining(['image.json', 'rootfs']));
    expect(await readdir(join(home, 'layers'))).toEqual([layer]);
    expect(await readdir(join(home, 'layers', layer!))).toEqual(expect.arrayContaining(['diff', 'layer.json']));
    expect(await readdir(join(home, 'blobs/sha256'))).toHaveLength(1);
    expect(await readdir(join(home, 'tmp'))).toEqual([]);
    expect(await readdir(join(home, 'locks'))).toEqual([]);
    expect(await readdir(join(home, 'cells'))).toEqual([]);
  }, 170_000);
});
