import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
