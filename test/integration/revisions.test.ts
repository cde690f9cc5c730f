import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleGit, type SimpleGit } from 'simple-git';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/results/types.js';
import { runCli } from '../helpers/cli.js';

// Project sources other than the working tree: `--ref` (an older commit of this repository), `--repo`
// (another repository, by path or by URL, cloned into the store), and submodules in the working tree.

const CONFIG = 'distros: [busybox]\ntest: sh ./check.sh\n';
let base: string;
let project: string;
let home: string;
let buggy: string;

async function repo(dir: string): Promise<SimpleGit> {
  await mkdir(dir, { recursive: true });
  const git = simpleGit(dir);
  await git.init();
  await git.addConfig('user.email', 'test@example.invalid');
  await git.addConfig('user.name', 'vmatrix tests');
  return git;
}

async function results(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}

async function logOf(dir: string, r: RunResult): Promise<string> {
  return readFile(join(dir, r.cells[0]!.logPath), 'utf8');
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'vmx-rev-'));
  home = join(base, 'store');
  project = join(base, 'project');
  const git = await repo(project);
  await writeFile(join(project, 'vmatrix.yml'), CONFIG);
  await writeFile(join(project, 'check.sh'), 'echo "release 1: the bug is here"; exit 1\n');
  await git.add('.');
  await git.commit('release 1, with the bug');
  await git.addTag('v1');
  buggy = (await git.revparse(['HEAD'])).trim();
  await writeFile(join(project, 'check.sh'), 'echo "release 2: fixed"\n');
  await git.add('.');
  await git.commit('release 2: the fix');
}, 60_000);

describe('--ref: an older commit of this repository', () => {
  it('passes on the working tree and reproduces the old failure at the tag, naming the commit', async () => {
    const now = await runCli(['test'], { cwd: project, env: { VMATRIX_HOME: home } });
    expect(now.code, now.stdout + now.stderr).toBe(0);
    expect((await results(project)).source).toBeUndefined();

    const old = await runCli(['test', '--ref', 'v1'], { cwd: project, env: { VMATRIX_HOME: home } });
    expect(old.code, old.stdout + old.stderr).toBe(1);
    const r = await results(project);
    expect(r.source).toEqual({ repository: 'this repository', ref: 'v1', commit: buggy });
    expect(await logOf(project, r)).toContain('release 1: the bug is here');
    expect(old.stderr).toContain(`this repository at v1 (commit ${buggy.slice(0, 12)})`);
  }, 120_000);

  it('says so when the ref does not exist', async () => {
    const r = await runCli(['test', '--ref', 'v9'], { cwd: project, env: { VMATRIX_HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no commit, branch or tag "v9"');
  }, 60_000);
});

describe('--repo: another repository', () => {
  it('clones a URL into the store and runs its own vmatrix.yml at the ref; results stay in the current directory', async () => {
    const qa = join(base, 'qa');
    await mkdir(qa);
    const r = await runCli(['test', '--repo', `file://${project}`, '--ref', buggy], {
      cwd: qa,
      env: { VMATRIX_HOME: home },
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain('cloning file://');
    const res = await results(qa);
    expect(res.source?.commit).toBe(buggy);
    expect(await logOf(qa, res)).toContain('release 1: the bug is here');

    // The clone is kept: a second run fetches instead of cloning, and HEAD is the fix.
    const again = await runCli(['test', '--repo', `file://${project}`], { cwd: qa, env: { VMATRIX_HOME: home } });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stderr).toContain('fetching file://');
  }, 120_000);

  it("takes a local path, and a config given with --config instead of the repository's", async () => {
    const qa = join(base, 'qa2');
    await mkdir(qa);
    await writeFile(
      join(qa, 'mine.yml'),
      'distros: [busybox]\ntest: grep -q "release 1" check.sh && echo "own config saw release 1"\n',
    );
    const r = await runCli(['test', '--repo', project, '--ref', 'v1', '--config', 'mine.yml'], {
      cwd: qa,
      env: { VMATRIX_HOME: home },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await logOf(qa, await results(qa))).toContain('own config saw release 1');
  }, 120_000);
});

describe('submodules', () => {
  it("includes a checked-out submodule's files in the working-tree snapshot", async () => {
    const lib = join(base, 'lib');
    const libGit = await repo(lib);
    await writeFile(join(lib, 'lib.txt'), 'from the submodule\n');
    await libGit.add('.');
    await libGit.commit('lib');
    const app = join(base, 'app');
    const git = await repo(app);
    await writeFile(join(app, 'vmatrix.yml'), 'distros: [busybox]\ntest: cat vendor/lib/lib.txt\n');
    // git refuses file:// submodules by default since 2.38.1; simple-git refuses to pass -c protocol.* itself.
    await promisify(execFile)('git', ['-c', 'protocol.file.allow=always', 'submodule', 'add', lib, 'vendor/lib'], {
      cwd: app,
    });
    await git.add('.');
    await git.commit('app with a submodule');
    const r = await runCli(['test'], { cwd: app, env: { VMATRIX_HOME: home } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await logOf(app, await results(app))).toContain('from the submodule');
  }, 120_000);
});
