import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Bisection, type BisectState } from '../../../src/source/bisect.js';
import { commitOf } from '../../../src/source/revision.js';
import { verdictOf } from '../../../src/bisect/bisect.js';
import type { CellResult } from '../../../src/results/types.js';
import { git, gitRepo } from '../../helpers/project.js';

// The git side of `vmatrix bisect`: a shared clone in a scratch dir, driven by verdicts, that finds what git
// bisect finds and never writes the user's repository.

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A repository of `n` commits "c1".."cn"; returns it and its commit ids, oldest first. */
async function history(n: number): Promise<{ repo: string; commits: string[] }> {
  const repo = await gitRepo({ 'n.txt': '0\n' });
  dirs.push(repo);
  for (let i = 1; i <= n; i++) {
    await writeFile(join(repo, 'n.txt'), `${i}\n`);
    git(repo, 'commit', '-qam', `c${i}`);
  }
  const commits = git(repo, 'rev-list', '--reverse', 'HEAD').trim().split('\n').slice(1);
  return { repo, commits };
}

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-bisect-'));
  dirs.push(dir);
  return dir;
}

/** What the user's repository looks like to someone checking that nothing wrote it. */
function looks(repo: string): string {
  return [
    git(repo, 'status', '--porcelain', '--untracked-files=all'),
    git(repo, 'rev-parse', 'HEAD'),
    git(repo, 'for-each-ref'),
    git(repo, 'stash', 'list'),
  ].join('\n--\n');
}

/** Bisects with `isBad(index of the commit)`, `skip` for the indexes in `skips`; the states and the commits asked. */
async function run(
  repo: string,
  commits: string[],
  good: number,
  bad: number,
  isBad: (i: number) => boolean,
  skips: number[] = [],
): Promise<{ end: BisectState; asked: number[] }> {
  const [b, first] = await Bisection.start(repo, await scratch(), commits[good], commits[bad]);
  let state = first;
  const asked: number[] = [];
  while (state.kind === 'next') {
    const i = commits.indexOf(state.commit);
    asked.push(i);
    state = await b.mark(skips.includes(i) ? 'skip' : isBad(i) ? 'bad' : 'good');
  }
  return { end: state, asked };
}

describe('Bisection', () => {
  it('finds the first bad commit of 30 in at most 5 verdicts, wherever the bug is', async () => {
    const { repo, commits } = await history(30);
    for (const bug of [1, 2, 14, 19, 29]) {
      const { end, asked } = await run(repo, commits, 0, 29, (i) => i >= bug);
      expect(end).toEqual({ kind: 'found', commit: commits[bug] });
      expect(asked.length).toBeLessThanOrEqual(5);
    }
  });

  it('names --bad itself without asking about it when every commit before it is good', async () => {
    const { repo, commits } = await history(8);
    const { end, asked } = await run(repo, commits, 0, 7, () => false);
    expect(end).toEqual({ kind: 'found', commit: commits[7] });
    expect(asked).not.toContain(7);
  });

  it('lists the candidates when only skipped commits are left', async () => {
    const { repo, commits } = await history(10);
    const { end } = await run(repo, commits, 0, 9, (i) => i >= 5, [4, 5, 6]);
    expect(end.kind).toBe('ambiguous');
    if (end.kind !== 'ambiguous') return;
    expect(end.candidates).toContain(commits[5]);
    expect(end.candidates).not.toContain(commits[2]);
  });

  it('refuses a --good that is not an ancestor of --bad, and --good equal to --bad', async () => {
    const { repo, commits } = await history(4);
    await expect(Bisection.start(repo, await scratch(), commits[3], commits[1])).rejects.toMatchObject({
      code: 'NOT_AN_ANCESTOR',
      exit: 2,
    });
    await expect(Bisection.start(repo, await scratch(), commits[2], commits[2])).rejects.toMatchObject({
      code: 'NOT_AN_ANCESTOR',
    });
  });

  it("never writes the user's repository, index or working tree, dirty as it is", async () => {
    const { repo, commits } = await history(12);
    await writeFile(join(repo, 'n.txt'), 'edited\n');
    await writeFile(join(repo, 'untracked.txt'), 'new\n');
    git(repo, 'add', 'untracked.txt');
    const before = looks(repo);
    const gitFiles = (await readdir(join(repo, '.git'))).sort();
    const { end } = await run(repo, commits, 0, 11, (i) => i >= 7);
    expect(end).toEqual({ kind: 'found', commit: commits[7] });
    expect(looks(repo)).toBe(before);
    expect((await readdir(join(repo, '.git'))).sort()).toEqual(gitFiles);
    expect(gitFiles.filter((f) => f.startsWith('BISECT'))).toEqual([]);
  });

  it('resolves the user’s refs (HEAD~N, tags) in the user’s repository, and reads files and subjects at a commit', async () => {
    const { repo, commits } = await history(5);
    git(repo, 'tag', 'v1', commits[1]);
    expect(await commitOf(repo, 'v1', 'this repository')).toBe(commits[1]);
    expect(await commitOf(repo, 'HEAD~1', 'this repository')).toBe(commits[3]);
    await expect(commitOf(repo, 'no-such-ref', 'this repository')).rejects.toMatchObject({ code: 'UNKNOWN_REF' });
    const [b] = await Bisection.start(repo, await scratch(), commits[0], commits[4]);
    expect(await b.subject(commits[2])).toBe('c3');
    expect(await b.fileAt(commits[2], 'n.txt')).toBe('3\n');
    expect(await b.fileAt(commits[2], 'missing.yml')).toBeUndefined();
    expect(await b.span(commits[0], commits[4])).toBe(4);
  });
});

describe('verdictOf', () => {
  const cell = (c: Partial<CellResult>): CellResult =>
    ({
      id: 'x',
      slug: 'x',
      distro: 'd',
      axes: {},
      exitCode: 0,
      durationMs: 1,
      logPath: 'l',
      phases: { image: 0, setup: 0, test: 0 },
      status: 'passed',
      ...c,
    }) as CellResult;

  it("is vmatrix's verdict, never the step's exit code", () => {
    expect(verdictOf(cell({ status: 'passed' }))).toBe('good');
    expect(verdictOf(cell({ status: 'flaky' }))).toBe('good');
    // A test that exits 125 failed: it is not git's "skip".
    expect(verdictOf(cell({ status: 'failed', phase: 'test', exitCode: 125 }))).toBe('bad');
    expect(verdictOf(cell({ status: 'failed', phase: 'test', exitCode: 255 }))).toBe('bad');
    expect(verdictOf(cell({ status: 'timed-out', phase: 'test', exitCode: null }))).toBe('bad');
    expect(verdictOf(cell({ status: 'oom-killed', phase: 'test' }))).toBe('bad');
    expect(verdictOf(cell({ status: 'failed', phase: 'setup', exitCode: 100 }))).toBe('skip');
    expect(verdictOf(cell({ status: 'timed-out', phase: 'setup' }))).toBe('skip');
    expect(verdictOf(cell({ status: 'error', phase: 'image' }))).toBe('stop');
    expect(verdictOf(cell({ status: 'cancelled' }))).toBe('stop');
  });
});
