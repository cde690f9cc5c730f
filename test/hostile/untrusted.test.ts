import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import type { RunResult } from '../../src/results/types.js';

// The untrusted project (docs/safety.md, rules 29, 30, 32): vmatrix runs as root in a project whose
// files, vmatrix.yml and results it does not trust. Each case builds a hostile project beside a canary
// directory, runs the real CLI on it, and checks the exit code, the message, and that the canary is
// byte for byte what it was.

const TAGS = { tags: ['safety', 'untrusted'] };
const SECRET = 'root:CANARY-SECRET-HASH:19000:0:99999:7:::';
const GOOD = 'distros: [busybox]\ntest: "true"\n';

let base: string;
let store: string;
let canary: string;
let before: Awaited<ReturnType<typeof snapshotTree>>;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'vmx-untrusted-'));
  store = join(base, 'store');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

beforeEach(async () => {
  canary = await mkdtemp(join(base, 'canary-'));
  await writeFile(join(canary, 'shadow'), `${SECRET}\n`);
  await writeFile(join(canary, 'shadow.xml'), `<testsuite><testcase name="${SECRET}"/></testsuite>\n`);
  await writeFile(join(canary, 'secret.yml'), `distros: [busybox]\ntest: "true"\n"${SECRET}": 1\n`);
  await mkdir(join(canary, 'dir'));
  await writeFile(join(canary, 'dir', 'file'), 'untouched\n');
  before = await snapshotTree(canary);
});

async function expectCanaryUnchanged(): Promise<void> {
  expect(await snapshotTree(canary)).toEqual(before);
}

/** A git project with `files` (text), committed, and whatever `make` adds (in the work tree). */
async function project(files: Record<string, string>, make?: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(base, 'project-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'fixture');
  await make?.(dir);
  return dir;
}

function vmatrix(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd, env: { VMATRIX_HOME: store, ...env } });
}

function expectRefused(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(code);
  expect(r.stderr.split('\n')[0]).toMatch(message);
  expect(r.stdout + r.stderr).not.toContain('CANARY-SECRET');
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('host writes under the project never follow its links (SAFETY 29)', TAGS, () => {
  it('a committed .vmatrix/.gitignore -> a file outside is replaced inside the project, never written through', async () => {
    const dir = await project({ 'vmatrix.yml': GOOD }, async (d) => {
      await mkdir(join(d, '.vmatrix'));
      await symlink(join(canary, 'shadow'), join(d, '.vmatrix', '.gitignore'));
    });
    const r = await vmatrix(['test', '--reporter', 'plain'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectCanaryUnchanged();
    const gitignore = join(dir, '.vmatrix', '.gitignore');
    expect([(await lstat(gitignore)).isFile(), await readFile(gitignore, 'utf8')]).toEqual([true, '*\n']);
  });

  it.each([
    ['.vmatrix', ''],
    ['.vmatrix/runs', '.vmatrix'],
  ])('a committed %s -> a directory outside: exit 2 naming the link, nothing written there', async (link, parent) => {
    const dir = await project({ 'vmatrix.yml': GOOD }, async (d) => {
      if (parent) await mkdir(join(d, parent));
      await symlink(join(canary, 'dir'), join(d, link));
    });
    const r = await vmatrix(['test', '--reporter', 'plain'], dir);
    expectRefused(
      r,
      2,
      new RegExp(
        `^error: ${link.replace('.', '\\.')} is a symbolic link \\(to ${canary}/dir\\): vmatrix runs as root and does not write through links the project holds$`,
      ),
    );
    await expectCanaryUnchanged();
  });

  it('a committed .vmatrix/runs/latest -> a directory outside is replaced by the link to the new run', async () => {
    const dir = await project({ 'vmatrix.yml': GOOD }, async (d) => {
      await mkdir(join(d, '.vmatrix', 'runs'), { recursive: true });
      await symlink(join(canary, 'dir'), join(d, '.vmatrix', 'runs', 'latest'));
    });
    const r = await vmatrix(['test', '--reporter', 'plain'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectCanaryUnchanged();
    const runs = (await readdir(join(dir, '.vmatrix', 'runs'))).filter((n) => n !== 'latest');
    expect(await readlink(join(dir, '.vmatrix', 'runs', 'latest'))).toBe(runs[0]);
  });
});

describe('artifacts are plain files of the invoking user (SAFETY 30)', TAGS, () => {
  it("set-id, sticky and world-writable modes are dropped; FIFOs, devices and links are not copied; sudo's user owns the run", async () => {
    const steps = [
      'mkdir -p out/dir && printf s > out/suid && chmod 4755 out/suid && printf g > out/sgid && chmod 2777 out/sgid',
      'printf w > out/ww && chmod 666 out/ww && printf f > out/dir/f && chmod 1777 out/dir',
      `mkfifo out/fifo && ln -s ${canary}/shadow out/link && ln -s ${canary}/dir out/dirlink && (mknod out/zero c 1 5 || true)`,
    ];
    const dir = await project({
      'vmatrix.yml': `distros: [busybox]\nartifacts: [out/]\ntest:\n${steps.map((s) => `  - ${JSON.stringify(s)}\n`).join('')}`,
    });
    const r = await vmatrix(['test', '--reporter', 'plain'], dir, { SUDO_UID: '4242', SUDO_GID: '4343' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(dir, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
    const cell = result.cells[0]!;
    expect(cell.artifacts).toEqual(['out/dir/f', 'out/sgid', 'out/suid', 'out/ww']);
    const facts = async (path: string) => {
      const st = await lstat(join(dir, cell.artifactsPath!, path));
      return `${st.isDirectory() ? 'd' : st.isFile() ? 'f' : '?'} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
    };
    expect(await facts('out/suid')).toBe('f 755 4242:4343');
    expect(await facts('out/sgid')).toBe('f 755 4242:4343');
    expect(await facts('out/ww')).toBe('f 644 4242:4343');
    expect(await facts('out/dir')).toBe('d 755 4242:4343');
    expect(await facts('out/dir/f')).toBe('f 644 4242:4343');
    expect((await readdir(join(dir, cell.artifactsPath!, 'out'))).sort()).toEqual(['dir', 'sgid', 'suid', 'ww']);
    // the run's directory and its log are the invoking user's, so they can delete the run without root
    const runDir = join(dir, '.vmatrix/runs', result.runId);
    expect([
      (await lstat(runDir)).uid,
      (await lstat(join(dir, cell.logPath))).uid,
      (await lstat(join(dir, '.vmatrix'))).uid,
    ]).toEqual([4242, 4242, 4242]);
    await expectCanaryUnchanged();
  });
});

describe('vmatrix.yml is read only as a regular file of the project (SAFETY 32)', TAGS, () => {
  const CASES: Record<string, { make: (file: string) => Promise<void>; error: RegExp }> = {
    'a link to a file outside': {
      make: (file) => symlink(join(canary, 'secret.yml'), file),
      error:
        /^error: vmatrix\.yml is a symbolic link that leads out of its project \(to .*\/secret\.yml\): vmatrix does not read it$/,
    },
    'a link to a device outside': {
      make: (file) => symlink('/dev/zero', file),
      error: /^error: vmatrix\.yml is a symbolic link that leads out of its project \(to \/dev\/zero\)/,
    },
    'a FIFO': {
      make: async (file) => {
        execFileSync('mkfifo', [file]);
      },
      error: /^error: vmatrix\.yml is a FIFO, not a regular file: vmatrix does not read it$/,
    },
    'a device like /dev/zero': {
      make: async (file) => {
        execFileSync('mknod', [file, 'c', '1', '5']);
      },
      error: /^error: vmatrix\.yml is a device, not a regular file: vmatrix does not read it$/,
    },
  };

  it.each(Object.entries(CASES))(
    '%s: exit 2 from vmatrix test and vmatrix matrix, nothing of it shown',
    async (_, { make, error }) => {
      const dir = await project({}, (d) => make(join(d, 'vmatrix.yml')));
      for (const command of ['test', 'matrix']) expectRefused(await vmatrix([command], dir), 2, error);
      await expectCanaryUnchanged();
    },
  );

  it('a link inside the project is followed', async () => {
    const dir = await project({ 'ci/vmatrix.yml': GOOD }, (d) => symlink('ci/vmatrix.yml', join(d, 'vmatrix.yml')));
    const r = await vmatrix(['matrix'], dir);
    expect([r.code, r.stdout.trim()]).toEqual([0, 'busybox']);
  });

  it('a pipe the operator names with --config is read', async () => {
    const dir = await project({});
    const fifo = join(dir, 'piped.yml');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '${GOOD.replace(/\n/g, '\\n')}' > ${fifo}`]);
    const written = once(writer, 'close');
    const r = await vmatrix(['matrix', '--config', fifo], dir);
    await written;
    expect([r.code, r.stdout.trim()], r.stderr).toEqual([0, 'busybox']);
  });
});

describe("vmatrix report reads only its run's own files (SAFETY 29, 32)", TAGS, () => {
  /** A committed run whose results.json names `logPath` for its one cell. */
  async function committedRun(logPath: string, artifactsPath: string): Promise<string> {
    return project({ 'vmatrix.yml': GOOD }, async (d) => {
      const runDir = join(d, '.vmatrix/runs/20260101-000000-evil');
      await mkdir(join(runDir, 'busybox'), { recursive: true });
      await symlink(join(canary, 'shadow'), join(runDir, 'busybox', 'log.txt'));
      await mkdir(join(runDir, 'own'));
      await writeFile(join(runDir, 'own', 'log.txt'), 'the-own-log-line\n');
      const result = {
        version: 1,
        runId: '20260101-000000-evil',
        project: d,
        config: 'vmatrix.yml',
        runtime: 'runc',
        startedAt: '',
        finishedAt: '',
        durationMs: 1,
        jobs: 1,
        cells: [
          {
            id: 'busybox',
            slug: 'busybox',
            distro: 'busybox',
            axes: {},
            status: 'failed',
            exitCode: 1,
            durationMs: 1,
            phases: { image: 0, setup: 0, test: 1 },
            logPath,
            artifactsPath,
            artifacts: ['shadow.xml'],
          },
          // a control: the run's own log is read, so the report is not empty by accident
          {
            id: 'own',
            slug: 'own',
            distro: 'busybox',
            axes: {},
            status: 'failed',
            exitCode: 1,
            durationMs: 1,
            phases: { image: 0, setup: 0, test: 1 },
            logPath: '.vmatrix/runs/20260101-000000-evil/own/log.txt',
          },
        ],
        summary: { total: 2, passed: 0, failed: 2, timedOut: 0, oomKilled: 0, errors: 0, cancelled: 0 },
      };
      await writeFile(join(runDir, 'results.json'), JSON.stringify(result));
      await symlink('20260101-000000-evil', join(d, '.vmatrix/runs/latest'));
    });
  }

  // Paths in results.json are relative to the project; the canary is its sibling.
  const outside = (): string => `../${canary.split('/').pop()}`;
  it.each([
    ['a path out of the project', () => `${outside()}/shadow`],
    [
      'a path that climbs out of the run directory',
      () => `.vmatrix/runs/20260101-000000-evil/../../../${outside()}/shadow`,
    ],
    ['a log that is a link', () => '.vmatrix/runs/20260101-000000-evil/busybox/log.txt'],
  ])('%s as logPath, artifacts outside: the report, its HTML and JUnit never hold the file', async (_, logPath) => {
    const dir = await committedRun(logPath(), outside());
    const out = await mkdtemp(join(base, 'out-'));
    const r = await vmatrix(['report', '--last', '--html', join(out, 'r.html'), '--junit', join(out, 'j.xml')], dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('CANARY-SECRET');
    for (const report of [await readFile(join(out, 'r.html'), 'utf8'), await readFile(join(out, 'j.xml'), 'utf8')]) {
      expect(report).not.toContain('CANARY-SECRET');
      expect(report).toContain('the-own-log-line');
    }
    await expectCanaryUnchanged();
  });

  it.each([
    [
      'latest -> a directory outside',
      async (d: string) => {
        await mkdir(join(d, '.vmatrix/runs'));
        await symlink(join(canary, 'dir'), join(d, '.vmatrix/runs/latest'));
      },
      /^error: \.vmatrix\/runs\/latest is a link to .*, not to a run beside it/,
    ],
    [
      '.vmatrix/runs -> a directory outside',
      async (d: string) => symlink(join(canary, 'dir'), join(d, '.vmatrix/runs')),
      /^error: \.vmatrix\/runs is a symbolic link \(to .*\): vmatrix does not read runs through it$/,
    ],
    [
      'results.json -> a file outside',
      async (d: string) => {
        await mkdir(join(d, '.vmatrix/runs/r1'), { recursive: true });
        await symlink(join(canary, 'shadow'), join(d, '.vmatrix/runs/r1/results.json'));
        await symlink('r1', join(d, '.vmatrix/runs/latest'));
      },
      /^error: .*results\.json: cannot read it \(ELOOP\)$/,
    ],
  ])('--last with %s: exit 2, nothing of it shown', async (_, make, error) => {
    const dir = await project({ 'vmatrix.yml': GOOD }, async (d) => {
      await mkdir(join(d, '.vmatrix'));
      await make(d);
    });
    expectRefused(await vmatrix(['report', '--last'], dir), 2, error);
    await expectCanaryUnchanged();
  });

  it('a results.json the operator names that is not JSON is not quoted', async () => {
    const dir = await project({});
    const r = await vmatrix(['report', join(canary, 'shadow')], dir);
    expectRefused(r, 2, /: not JSON$/);
  });
});
