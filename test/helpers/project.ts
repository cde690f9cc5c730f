import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';

/** Copies a fixture project from test/fixtures/projects into a fresh git repository with one commit. */
export function gitProject(name: string): Promise<string> {
  return gitProjectFrom(fileURLToPath(new URL(`../fixtures/projects/${name}`, import.meta.url)));
}

/**
 * Copies the tree at `source` into a fresh git repository with one commit. `all`: commit every file, even
 * those its own .gitignore names (a vendored release is exactly the files upstream tracks).
 */
export async function gitProjectFrom(source: string, options: { all?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `vmx-${basename(source)}-`));
  await cp(source, dir, { recursive: true });
  const git = simpleGit(dir);
  await git.init();
  await git.addConfig('user.email', 'test@example.invalid');
  await git.addConfig('user.name', 'vmatrix tests');
  await git.add(options.all ? ['--force', '.'] : '.');
  await git.commit('fixture');
  return dir;
}

/** Runs git in `dir` (with a committer identity), for tests that build repositories by hand. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.invalid', '-c', 'user.name=vmatrix tests', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
}

/** A fresh git repository holding `files` (path → content), committed unless `commit` is false. */
export async function gitRepo(files: Record<string, string>, commit = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-repo-'));
  git(dir, 'init', '-q');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  if (commit) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'fixture');
  }
  return dir;
}
