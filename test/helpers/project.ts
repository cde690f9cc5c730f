import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';

/** Copies a fixture project from test/fixtures/projects into a fresh git repository with one commit. */
export async function gitProject(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `vmx-${name}-`));
  await cp(fileURLToPath(new URL(`../fixtures/projects/${name}`, import.meta.url)), dir, { recursive: true });
  const git = simpleGit(dir);
  await git.init();
  await git.addConfig('user.email', 'test@example.invalid');
  await git.addConfig('user.name', 'vmatrix tests');
  await git.add('.');
  await git.commit('fixture');
  return dir;
}
