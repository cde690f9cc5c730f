import { execFileSync } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from '../helpers/cli.js';
import { shq, Terminal } from '../helpers/terminal.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import type { RunResult } from '../../src/results/types.js';

// Host-side git runs nothing of the project's (docs/safety.md, rule 31). The project's .git/config names
// a program for every hook git has (through core.hooksPath and .git/hooks), for core.fsmonitor, for a
// filter driver (clean, smudge, process; and lfs's), for a diff driver's textconv and diff.external, for
// the pager, ssh, askpass and credential helper: each writes a marker into a canary directory outside the
// project. Every vmatrix command that runs git on a project or a --repo must leave the canary as it was,
// and a control with plain git shows that the same config does run those programs.

const TAGS = { tags: ['safety', 'untrusted'] };
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const HOOKS = [
  'post-checkout',
  'post-index-change',
  'pre-commit',
  'post-merge',
  'reference-transaction',
  'pre-auto-gc',
  'fsmonitor-watchman',
];

let base: string;
let store: string;
let canary: string;
let project: string;
let before: Awaited<ReturnType<typeof snapshotTree>>;

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'vmx-project-git-'));
  store = join(base, 'store');
  canary = join(base, 'canary');
  await mkdir(canary);
  await writeFile(join(canary, 'keep'), 'untouched\n');
  const evil = join(base, 'evil.sh');
  // Marks that it ran (by the name it was given), then passes its input through, as a filter would.
  await writeFile(evil, `#!/bin/sh\ntouch "${canary}/ran-$1"\ncat\n`);
  await chmod(evil, 0o755);
  const hooks = join(base, 'hooks');
  await mkdir(hooks);
  for (const h of HOOKS) {
    await writeFile(join(hooks, h), `#!/bin/sh\ntouch "${canary}/ran-hook-${h}"\n`);
    await chmod(join(hooks, h), 0o755);
  }
  project = await mkdtemp(join(base, 'project-'));
  git(project, 'init', '-q');
  await writeFile(join(project, 'vmatrix.yml'), 'distros: [busybox]\ntest: cat a.txt\n');
  await writeFile(join(project, '.gitattributes'), '* filter=evil diff=evil\n*.bin filter=lfs\n');
  await writeFile(join(project, 'a.txt'), 'first\n');
  await writeFile(join(project, 'b.bin'), 'binary\n');
  git(project, 'add', '-A');
  git(project, 'commit', '-qm', 'first');
  await writeFile(join(project, 'a.txt'), 'second\n');
  git(project, 'commit', '-qam', 'second');
  // Armed only now, so that building the fixture ran none of it.
  const set = (key: string, value: string) => git(project, 'config', key, value);
  set('core.fsmonitor', `${evil} fsmonitor`);
  set('core.hooksPath', hooks);
  for (const k of ['clean', 'smudge', 'process']) set(`filter.evil.${k}`, `${evil} filter-${k}`);
  set('filter.evil.required', 'true');
  for (const k of ['clean', 'smudge', 'process']) set(`filter.lfs.${k}`, `${evil} lfs-${k}`);
  set('diff.evil.textconv', `${evil} textconv`);
  set('diff.external', `${evil} diff-external`);
  set('core.pager', `${evil} pager`);
  set('core.sshCommand', `${evil} ssh`);
  set('core.askPass', `${evil} askpass`);
  set('credential.helper', `!${evil} credential`);
  for (const h of HOOKS) {
    await writeFile(join(project, '.git/hooks', h), `#!/bin/sh\ntouch "${canary}/ran-githooks-${h}"\n`);
    await chmod(join(project, '.git/hooks', h), 0o755);
  }
  before = await snapshotTree(canary);
}, 120_000);
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function vmatrix(args: string[], cwd = project): Promise<CliResult> {
  return runCli(args, { cwd, env: { VMATRIX_HOME: store } });
}

async function logOf(dir: string): Promise<string> {
  const result = JSON.parse(await readFile(join(dir, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
  expect(result.cells.map((c) => c.status)).toEqual(['passed']);
  return readFile(join(dir, result.cells[0]!.logPath), 'utf8');
}

async function expectNothingRan(r: CliResult): Promise<void> {
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(await readdir(canary)).toEqual(['keep']);
  expect(await snapshotTree(canary)).toEqual(before);
}

describe('git on an untrusted project runs none of its programs (SAFETY 31)', TAGS, () => {
  it('vmatrix test: the working tree, a file edited so that git status compares content', async () => {
    await writeFile(join(project, 'a.txt'), 'edited\n');
    const r = await vmatrix(['test']);
    await expectNothingRan(r);
    expect(await logOf(project)).toContain('edited');
    await writeFile(join(project, 'a.txt'), 'second\n');
  });

  it('vmatrix test --ref HEAD~1: an older commit checked out through a throwaway index', async () => {
    const r = await vmatrix(['test', '--ref', 'HEAD~1']);
    await expectNothingRan(r);
    expect(await logOf(project)).toContain('first');
  });

  it('vmatrix test --repo <path> --ref and --repo file://<path>: another repository, read in place and cloned', async () => {
    const qa = await mkdtemp(join(base, 'qa-'));
    const inPlace = await vmatrix(['test', '--repo', project, '--ref', 'HEAD~1'], qa);
    await expectNothingRan(inPlace);
    expect(await logOf(qa)).toContain('first');
    const cloned = await vmatrix(['test', '--repo', `file://${project}`], qa);
    await expectNothingRan(cloned);
    expect(await logOf(qa)).toContain('second');
    const fetched = await vmatrix(['test', '--repo', `file://${project}`, '--ref', 'HEAD~1'], qa);
    await expectNothingRan(fetched);
  });

  it('vmatrix run and vmatrix shell: the project snapshot of a one-off command', async () => {
    const r = await vmatrix(['run', 'busybox', '--', 'cat', 'a.txt']);
    await expectNothingRan(r);
    expect(r.stdout).toContain('second');
    const shell = new Terminal(`${shq(process.execPath)} ${shq(BIN)} shell busybox -- cat a.txt`, project, {
      VMATRIX_HOME: store,
      NO_COLOR: '1',
    });
    await shell.waitFor(/second/);
    await expectNothingRan({ code: await shell.exited, stdout: shell.screen, stderr: '' });
  });

  it("a checkout of another user's: git's own ownership check stays on, exit 3 naming the fix", async () => {
    const foreign = await mkdtemp(join(base, 'foreign-'));
    await cp(project, foreign, { recursive: true });
    const owned = async (dir: string): Promise<void> => {
      await chown(dir, 4321, 4321);
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) await owned(join(dir, e.name));
        else await chown(join(dir, e.name), 4321, 4321);
      }
    };
    await owned(foreign);
    const r = await runCli(['test'], { cwd: foreign, env: { VMATRIX_HOME: store, SUDO_UID: '' } });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toMatch(/git refuses to work in .*foreign-\w+: it belongs to another user/);
    expect(r.stderr).toContain('safe.directory');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(await snapshotTree(canary)).toEqual(before);
  });

  it('a filter driver whose name git cannot override: --ref refuses (exit 2), the working tree is listed without git reading it', async () => {
    const odd = await mkdtemp(join(base, 'odd-'));
    git(odd, 'init', '-q');
    await writeFile(join(odd, 'vmatrix.yml'), 'distros: [busybox]\ntest: cat a.txt\n');
    await writeFile(join(odd, '.gitattributes'), '* filter=a=b\n');
    await writeFile(join(odd, 'a.txt'), 'odd\n');
    git(odd, 'add', '-A');
    git(odd, 'commit', '-qm', 'odd');
    for (const k of ['clean', 'smudge', 'process'])
      git(odd, 'config', `filter.a=b.${k}`, `${join(base, 'evil.sh')} odd-${k}`);
    const ref = await vmatrix(['test', '--ref', 'HEAD'], odd);
    expect(ref.code, ref.stdout + ref.stderr).toBe(2);
    expect(ref.stderr).toMatch(/names a filter driver with "=" in its name, which vmatrix cannot turn off/);
    await writeFile(join(odd, 'a.txt'), 'odd, edited\n');
    await expectNothingRan(await vmatrix(['test'], odd));
    expect(await logOf(odd)).toContain('odd, edited');
  });

  it('control: plain git in the same project does run them (the config above is live)', async () => {
    await writeFile(join(project, 'a.txt'), 'touched again\n');
    // The process filters fail git's handshake (they only echo): without them, the one-shot commands run.
    for (const key of ['filter.evil.process', 'filter.lfs.process', 'filter.evil.required'])
      git(project, 'config', '--unset', key);
    git(project, 'status');
    git(project, 'cat-file', '--filters', 'HEAD:a.txt');
    git(project, '--no-pager', 'diff', '--ext-diff');
    const ran = await readdir(canary);
    expect(ran).toEqual(
      expect.arrayContaining(['ran-fsmonitor', 'ran-filter-smudge', 'ran-diff-external', 'ran-hook-post-index-change']),
    );
  });
});
