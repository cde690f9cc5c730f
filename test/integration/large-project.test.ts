import { readdir, readFile, mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceSnapshot } from '../../src/source/index.js';
import { spawnCapture } from '../helpers/cli.js';
import { contentOf, manyFilesRepo, pathOf } from '../helpers/many-files.mjs';

// Projects of any size, as a new user has them: under the common default `ulimit -n 1024`, a project of
// 200,000 files is snapshotted whole (a few files open at a time), and the next run of an unchanged tree
// reads none of its files (traced with strace); an edit, an untracked file and a deletion still reach the
// next snapshot. The snapshot runs in a process of its own, the built code, with that limit; a project of
// 2,000 files goes through the real CLI into a busybox cell. About 1.5 to 2 minutes in all, most of it
// writing 200,000 files twice (the checkout and the first snapshot) on a slow disk.

const CHILD = fileURLToPath(new URL('../helpers/snapshot-child.mjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const FILES = 200_000;

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'vmx-large-'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

/** `cmd` run by a shell whose file descriptor limit is 1024, as a user's often is. */
function underUlimit(cmd: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnCapture('sh', ['-c', 'ulimit -n 1024 && exec "$@"', 'sh', ...cmd], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
}

async function snapshotUnderUlimit(project: string, home: string, trace?: string): Promise<SourceSnapshot> {
  const node = [process.execPath, CHILD, project, home];
  const cmd = trace
    ? ['strace', '-f', '--seccomp-bpf', '-e', 'trace=execve,open,openat,openat2', '-o', trace, ...node]
    : node;
  const r = await underUlimit(cmd, base);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as SourceSnapshot;
}

/** The files a traced process opened below `dir`, leaving out git's own processes (git status reads .gitignore files). */
async function openedBelow(trace: string, dir: string): Promise<string[]> {
  const lines = (await readFile(trace, 'utf8')).split('\n');
  const git = new Set(lines.filter((l) => / execve\("[^"]*\/git"/.test(l)).map((l) => l.split(' ')[0]));
  return lines
    .filter((l) => !git.has(l.split(' ')[0]) && /open(at2?)?\(/.test(l) && !l.includes('O_DIRECTORY'))
    .map((l) => /"([^"]*)"/.exec(l)?.[1] ?? '')
    .filter((p) => p.startsWith(`${dir}/`) && !p.startsWith(`${dir}/.git/`));
}

async function countFiles(dir: string): Promise<number> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
}

describe('a project of 200,000 files, under ulimit -n 1024', () => {
  let project: string;
  let home: string;
  let first: SourceSnapshot;

  beforeAll(async () => {
    project = await manyFilesRepo(join(base, 'project'), FILES);
    home = join(base, 'store');
  }, 300_000);

  it('is snapshotted whole, each file with its content', async () => {
    first = await snapshotUnderUlimit(project, home);
    expect(first).toMatchObject({ files: FILES, reused: false });
    const tree = join(first.dir, 'tree');
    expect(await countFiles(tree)).toBe(FILES);
    for (let n = 0; n < FILES; n += 9_973)
      expect(await readFile(join(tree, pathOf(n)), 'utf8'), pathOf(n)).toBe(contentOf(n));
  }, 600_000);

  it('is found unchanged on the next run without opening one of its files', async () => {
    const trace = join(base, 'warm.strace');
    const warm = await snapshotUnderUlimit(project, home, trace);
    expect(warm).toMatchObject({ id: first.id, files: FILES, reused: true });
    expect(await openedBelow(trace, project)).toEqual([]);
    expect((await readFile(trace, 'utf8')).split('\n').length).toBeGreaterThan(10); // the trace did see the run
  }, 300_000);

  it('takes in an edit, an untracked file and a deletion on the next run, and links what did not change', async () => {
    await writeFile(join(project, pathOf(5)), 'edited\n');
    await writeFile(join(project, 'new.txt'), 'untracked\n');
    await unlink(join(project, pathOf(7)));
    const next = await snapshotUnderUlimit(project, home);
    expect(next).toMatchObject({ files: FILES, reused: false });
    expect(next.id).not.toBe(first.id);
    const tree = join(next.dir, 'tree');
    expect(await readFile(join(tree, pathOf(5)), 'utf8')).toBe('edited\n');
    expect(await readFile(join(tree, 'new.txt'), 'utf8')).toBe('untracked\n');
    await expect(stat(join(tree, pathOf(7)))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(join(tree, pathOf(6)))).ino).toBe((await stat(join(first.dir, 'tree', pathOf(6)))).ino);
    expect(await readFile(join(first.dir, 'tree', pathOf(5)), 'utf8')).toBe(contentOf(5));
  }, 600_000);
});

describe('vmatrix test on a project of 2,000 files, under ulimit -n 1024', () => {
  it('runs a busybox cell that sees every file, twice, the second time on the same snapshot', async () => {
    const project = await manyFilesRepo(join(base, 'cli-project'), 2_000);
    await writeFile(
      join(project, 'vmatrix.yml'),
      `distros: [busybox]
test: test "$(find . -name '*.txt' -type f | wc -l)" -eq 2000 && test "$(cat ${pathOf(1234)})" = "${contentOf(1234).trim()}"
`,
    );
    const env = { VMATRIX_HOME: join(base, 'cli-store') };
    const runs = [];
    for (let i = 0; i < 2; i++)
      runs.push(await underUlimit([process.execPath, BIN, 'test', '--reporter', 'plain'], project, env));
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(runs[0]!.stdout + runs[0]!.stderr).toMatch(/2001 files(?! \(unchanged)/);
    expect(runs[1]!.stdout + runs[1]!.stderr).toContain('2001 files (unchanged since a previous run)');
    const result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as {
      cells: { status: string }[];
    };
    expect(result.cells.map((c) => c.status)).toEqual(['passed']);
  }, 300_000);
});
