import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTarballCatalog } from '../fixtures/catalog.js';
import { testCacheDir } from '../fixtures/debian-roots.js';
import {
  BUG_SUBJECT,
  COMMITS,
  FAILURE,
  LINT_FILE,
  SETUP_BROKEN_SUBJECT,
  makeHistory,
} from '../fixtures/projects/triage-glibc/make-history.mjs';
import { runCli, type CliResult } from '../helpers/cli.js';
import { descendantsMatching, until } from '../helpers/procs.js';
import type { CellInventory } from '../../src/inventory/types.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// Issue 21 end to end, on test/fixtures/projects/triage-glibc: liberrname's 30 commits, one of which breaks
// its fallback table for glibc < 2.32, so that from there on `make check` fails on debian-11 (glibc 2.31)
// and passes on debian-12 (glibc 2.36). `vmatrix test` records what each cell had installed; `vmatrix
// explain` names the C library first; `vmatrix bisect` finds the commit in at most 6 cells, in the store,
// never touching the user's repository, skipping the early commit whose setup cannot succeed, and leaving
// nothing behind on Ctrl-C. The store is kept in the test cache (its two setup layers: gcc and make on
// Debian 11 and 12), so only the first run on a machine builds them.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const FAILING = 'debian-11/build=release';
const PASSING = 'debian-12/build=release';
/** The test steps of HEAD's vmatrix.yml, as each cell runs them. */
const stepsOf = (build: string): string[] => [`make BUILD=${build}`, `make check BUILD=${build}`];

let work: string;
let project: string;
let store: string;
let env: Record<string, string>;
/** The commit ids, oldest first. */
let ids: string[];
let bug: string;
let broken: string;
let run: CliResult;
let result: RunResult;

const idOf = (subject: string): string => ids[COMMITS.findIndex((c) => c.subject === subject)]!;
const subjectOf = (commit: string): string | undefined => COMMITS[ids.indexOf(commit)]?.subject;

/** Whether `a` is an ancestor of `b` (or `b` itself). */
function isAncestor(a: string, b: string): boolean {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', a, b], { cwd: project, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function git(...args: string[]): string {
  return execFileSync('git', ['--no-optional-locks', ...args], { cwd: project, encoding: 'utf8' });
}

async function listing(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = `${prefix}${entry.name}`;
    out.push(path);
    if (entry.isDirectory()) out.push(...(await listing(join(dir, entry.name), `${path}/`)));
  }
  return out.sort();
}

/** What the user sees of their repository: HEAD, refs, status, the files of .git, the dirty files' contents. */
async function repoState(): Promise<Record<string, unknown>> {
  return {
    head: git('rev-parse', 'HEAD'),
    branch: git('symbolic-ref', 'HEAD'),
    refs: git('for-each-ref'),
    status: git('status', '--porcelain', '--untracked-files=all'),
    diff: git('diff'),
    dotGit: await listing(join(project, '.git')),
    check: await readFile(join(project, 'tests/check.c'), 'utf8'),
    notes: await readFile(join(project, 'notes.txt'), 'utf8').catch(() => null),
  };
}

/** Entries under `dir`, to `depth` levels, whose name starts with "bisect". */
async function bisectEntries(dir: string, depth = 3): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (/^bisect/i.test(entry.name)) found.push(path);
    if (entry.isDirectory() && depth > 1) found.push(...(await bisectEntries(path, depth - 1)));
  }
  return found.sort();
}

/** Processes whose command line names `marker`: launchers, runtimes and the cells' init. */
async function processesOf(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(marker)) found.push(`${pid}: ${cmd.replaceAll('\0', ' ')}`);
  }
  return found;
}

const inProject = (path: string): string => (isAbsolute(path) ? path : join(project, path));
const cellOf = (id: string): CellResult & { inventory?: string } => result.cells.find((c) => c.id === id)!;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-triage-'));
  project = join(work, 'liberrname');
  ids = await makeHistory(project);
  bug = idOf(BUG_SUBJECT);
  broken = idOf(SETUP_BROKEN_SUBJECT);
  store = join(testCacheDir(), 'store-triage');
  env = { VMATRIX_HOME: store, VMATRIX_CATALOG: await debianTarballCatalog(join(work, 'catalog'), ['11', '12']) };
  run = await runCli(['test', '--reporter', 'plain', '--jobs', '2'], { cwd: project, env });
  result = JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}, 1_200_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the fixture', () => {
  it('is 30 commits, the same ids on every run, the bug far from the setup that fails', async () => {
    expect(ids).toHaveLength(30);
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('30');
    const again = await makeHistory(join(work, 'again'));
    expect(again).toEqual(ids);
    const [b, s] = [ids.indexOf(bug), ids.indexOf(broken)];
    expect(b).toBeGreaterThanOrEqual(17);
    expect(b).toBeLessThanOrEqual(19);
    expect(Math.abs(b - s)).toBeGreaterThan(2);
    // Nothing names the bad commit: no tags, one branch.
    expect(git('for-each-ref', '--format=%(refname)').trim()).toBe('refs/heads/main');
  });
});

describe('vmatrix test on the fixture at HEAD', () => {
  it('fails the two debian-11 cells at make check with the bug, passes the debian-12 ones, and points at vmatrix explain', async () => {
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(result.cells.map((c) => [c.id, c.status]).sort()).toEqual([
      ['debian-11/build=debug', 'failed'],
      ['debian-11/build=release', 'failed'],
      ['debian-12/build=debug', 'passed'],
      ['debian-12/build=release', 'passed'],
    ]);
    for (const c of result.cells.filter((c) => c.status === 'failed')) {
      expect(c.step, c.id).toBe(stepsOf(c.axes.build!)[1]);
      expect(await readFile(join(project, c.logPath), 'utf8'), c.id).toContain(FAILURE);
    }
    for (const c of result.cells.filter((c) => c.status === 'passed'))
      expect(await readFile(join(project, c.logPath), 'utf8'), c.id).not.toContain('not ok');
    expect(run.stdout + run.stderr).toContain('vmatrix explain');
  });

  it("writes each cell's inventory.json beside its log: glibc 2.31 or 2.36, gcc, the steps' environment and text", async () => {
    for (const c of result.cells.map((c) => cellOf(c.id))) {
      const eleven = c.distro === 'debian-11';
      expect(c.inventory, c.id).toBe(join(dirname(c.logPath), 'inventory.json'));
      const inv = JSON.parse(await readFile(join(project, c.inventory!), 'utf8')) as CellInventory;
      expect(inv, c.id).toMatchObject({ version: 1, cell: c.id, distro: c.distro, packageManager: 'apt' });
      expect(inv.arch).toBe(c.arch ?? 'amd64');
      expect(inv.kernel).toBe(release());
      expect(typeof inv.image).toBe('string');
      expect(inv.image.length).toBeGreaterThan(0);
      expect(inv.libc, c.id).toMatchObject({ name: 'glibc', from: 'libc6' });
      expect(inv.libc!.version.startsWith(eleven ? '2.31' : '2.36'), `${c.id}: ${inv.libc!.version}`).toBe(true);
      const named = (name: string) => inv.packages.find((p) => p.name === name);
      expect(named('libc6')?.version).toBe(inv.libc!.version);
      for (const name of ['gcc', 'make', 'libc6-dev']) expect(named(name)?.version, `${c.id}: ${name}`).toMatch(/\d/);
      const gcc = eleven ? { from: 'gcc-10', major: '10.' } : { from: 'gcc-12', major: '12.' };
      expect(
        inv.compilers.some((x) => x.name === 'gcc' && x.from === gcc.from && x.version.startsWith(gcc.major)),
        `${c.id}: ${JSON.stringify(inv.compilers)}`,
      ).toBe(true);
      expect(inv.env).toMatchObject({ BUILD: c.axes.build, VMATRIX_CELL: c.id, VMATRIX_DISTRO: c.distro });
      expect(inv.steps).toEqual(stepsOf(c.axes.build!));
      const log = await readFile(join(project, c.logPath), 'utf8');
      for (const step of inv.steps) expect(log).toContain(`+ ${step}`);
      expect(inv.readMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('explains each failing cell in report.html: its id, and glibc 2.31 against 2.36', async () => {
    const html = await readFile(join(project, '.vmatrix/runs', result.runId, 'report.html'), 'utf8');
    const text = html
      .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&')
      .replace(/\s+/g, ' ');
    for (const c of result.cells.filter((c) => c.status === 'failed')) expect(text).toContain(c.id);
    // A libc difference: "glibc" with both versions within a few hundred characters, once per failing cell.
    const near = [...text.matchAll(/glibc/g)].filter((m) => {
      const around = text.slice(Math.max(0, m.index - 400), m.index + 400);
      return around.includes('2.31') && around.includes('2.36');
    });
    expect(near.length, text.slice(0, 4000)).toBeGreaterThanOrEqual(2);
  });
});

describe('vmatrix explain', () => {
  it('names the C library first among the package differences, the failed step and where the log departs', async () => {
    const r = await runCli(['explain', FAILING], { cwd: project, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const lines = r.stdout.split('\n');
    // The first line with a Debian package version (upstream-revision) is the package-level difference first named.
    const first = lines.find((l) => /\d+\.\d+[\d.]*-[0-9A-Za-z.+~]+/.test(l));
    expect(first, r.stdout).toBeDefined();
    expect(first).toContain('libc');
    expect(first).toContain('2.31');
    expect(first).toContain('2.36');
    expect(r.stdout).toContain('make check BUILD=release');
    expect(r.stdout).toContain(FAILURE);
  });

  it('--run picks the run, and --json prints one object whose first package difference is the C library', async () => {
    const r = await runCli(['explain', '--run', result.runId, FAILING, '--json'], { cwd: project, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { cell: string | { id: string } };
    expect(typeof json.cell === 'string' ? json.cell : json.cell.id).toBe(FAILING);
    const whole = JSON.stringify(json);
    expect(whole).toContain('2.31');
    expect(whole).toContain('2.36');
    // The differences are ranked (src/triage: PackageDifference.rank, 'libc' | 'toolchain' | 'library' | 'other'):
    // the first ranked entry in the document is the C library's.
    const ranked: { rank?: unknown; kind?: unknown }[] = [];
    JSON.parse(whole, (_key, value: unknown) => {
      if (value && typeof value === 'object' && ('rank' in value || 'kind' in value)) ranked.push(value);
      return value;
    });
    // JSON.parse's reviver visits children before parents, in document order: the first ranked entry is ranked[0].
    expect(ranked.length, whole).toBeGreaterThan(0);
    expect(ranked[0]!.rank ?? ranked[0]!.kind, JSON.stringify(ranked[0])).toBe('libc');
  });

  it('without a cell, explains the first that failed and names the others', async () => {
    const r = await runCli(['explain'], { cwd: project, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^debian-11\/build=debug failed at step "make check BUILD=debug"/);
    expect(r.stderr).toContain(`also failed: ${FAILING}`);
  });

  it('exits 2 for a cell that passed, saying so, and for a cell the run does not have', async () => {
    const passed = await runCli(['explain', PASSING], { cwd: project, env });
    expect(passed.code, passed.stdout + passed.stderr).toBe(2);
    expect(passed.stdout + passed.stderr).toMatch(/passed/);
    const none = await runCli(['explain', 'nosuch/cell'], { cwd: project, env });
    expect(none.code, none.stdout + none.stderr).toBe(2);
    expect(none.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

interface BisectStep {
  commit: string;
  subject: string;
  verdict: 'good' | 'bad' | 'skip';
  status: string;
  logPath?: string;
  durationMs: number;
}
interface Bisection {
  cell: string;
  good: string;
  bad: string;
  firstBad?: { commit: string; subject: string; logPath: string };
  candidates?: string[];
  steps: BisectStep[];
  cells: number;
}

describe('vmatrix bisect', () => {
  let before: Record<string, unknown>;
  beforeAll(async () => {
    // A dirty working tree: a tracked file changed so that it cannot compile, and an untracked file. A bisect
    // that built the working tree instead of each commit would find every step bad.
    await appendFile(join(project, 'tests/check.c'), '\n#error "the working tree\'s copy: a bisect builds commits"\n');
    await writeFile(join(project, 'notes.txt'), 'not committed\n');
    before = await repoState();
    expect(before.status).toBe(' M tests/check.c\n?? notes.txt\n');
  });

  it(`finds the commit that broke ${FAILING} in at most 6 cells, with its log, and leaves the repository as it was`, async () => {
    const r = await runCli(['bisect', FAILING, '--good', ids[0]!, '--bad', 'HEAD', '--json'], { cwd: project, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const b = JSON.parse(r.stdout) as Bisection;
    expect(b.cell).toBe(FAILING);
    expect(b.good).toBe(ids[0]);
    expect(['HEAD', ids[29]]).toContain(b.bad); // as given, or resolved
    expect(b.firstBad, r.stdout).toBeDefined();
    expect(b.firstBad!.commit).toBe(bug);
    expect(b.firstBad!.subject).toBe(BUG_SUBJECT);
    expect(b.steps.length).toBeLessThanOrEqual(6);
    expect(b.cells).toBeLessThanOrEqual(6);
    expect([b.steps.length, b.steps.length + 1]).toContain(b.cells);
    for (const step of b.steps) {
      expect(step.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(step.subject).toBe(subjectOf(step.commit));
      const want = step.commit === broken ? 'skip' : isAncestor(bug, step.commit) ? 'bad' : 'good';
      expect(step.verdict, `${step.subject}: ${JSON.stringify(step)}`).toBe(want);
      expect(typeof step.status).toBe('string');
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(b.steps.some((s) => s.commit === bug && s.verdict === 'bad')).toBe(true);
    expect(await readFile(inProject(b.firstBad!.logPath), 'utf8')).toContain(FAILURE);
    expect(await repoState()).toEqual(before);
    expect((await readdir(join(project, '.git'))).filter((f) => f.startsWith('BISECT'))).toEqual([]);
  }, 300_000);

  it('prints the first bad commit, its sha and subject; --run replaces the test steps', async () => {
    const r = await runCli(['bisect', FAILING, '--good', ids[0]!, '--bad', 'HEAD', '--run', 'make check'], {
      cwd: project,
      env,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain('first bad commit');
    expect(out).toContain(bug.slice(0, 12));
    expect(out).toContain(BUG_SUBJECT);
    expect(await repoState()).toEqual(before);
  }, 300_000);

  it('skips the commit whose setup fails (exit 125), and says which commits remain when that leaves two', async () => {
    // `test ! -e .clang-tidy` passes before the setup-breaking commit, which adds .clang-tidy, and fails from the
    // next commit on, which keeps it. So the first bad commit is the broken one or the one after it, and only
    // the broken one's verdict can tell: any bisect must try it, find its setup failing, skip it, and end with
    // both as candidates.
    const after = ids[ids.indexOf(broken) + 1]!;
    const r = await runCli(
      ['bisect', FAILING, '--good', ids[0]!, '--bad', 'HEAD', '--run', `test ! -e ${LINT_FILE}`, '--json'],
      { cwd: project, env },
    );
    // Exit 1: no single first bad commit (as git bisect run fails then too); the candidates are the answer.
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const b = JSON.parse(r.stdout) as Bisection;
    const skipped = b.steps.filter((s) => s.verdict === 'skip');
    expect(skipped.map((s) => s.commit)).toEqual([broken]);
    expect(skipped[0]!.subject).toBe(SETUP_BROKEN_SUBJECT);
    for (const step of b.steps.filter((s) => s.commit !== broken))
      expect(step.verdict, step.subject).toBe(isAncestor(after, step.commit) ? 'bad' : 'good');
    expect(b.firstBad).toBeUndefined();
    expect([...(b.candidates ?? [])].sort()).toEqual([broken, after].sort());
    expect(await repoState()).toEqual(before);
  }, 300_000);

  it('refuses a cell that is not in the matrix before running any, rather than skipping every commit', async () => {
    const r = await runCli(['bisect', 'debian-12/build=nosuch', '--good', ids[0]!], { cwd: project, env });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('debian-12/build=nosuch');
    expect(r.stderr).not.toMatch(/\[1\]/);
  });

  it('refuses a project whose .vmatrix is a link, before writing anything through it', async () => {
    const hostile = await mkdtemp(join(work, 'hostile-'));
    const elsewhere = await mkdtemp(join(work, 'elsewhere-'));
    await writeFile(join(hostile, 'vmatrix.yml'), 'distros: [busybox]\ntest: [true]\n');
    const at = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: hostile });
    at('init', '-q');
    at('add', '-A');
    at('commit', '-qm', 'one');
    at('commit', '-q', '--allow-empty', '-m', 'two');
    await symlink(elsewhere, join(hostile, '.vmatrix'));
    const r = await runCli(['bisect', 'busybox', '--good', 'HEAD~1', '--run', 'true'], { cwd: hostile, env });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\.vmatrix is a symbolic link/);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('on Ctrl-C: exits 130 and leaves no process, mount, cell or bisect clone, and the repository as it was', async () => {
    const tmpBefore = await readdir(join(store, 'tmp')).catch(() => []);
    const bisectBefore = await bisectEntries(store);
    const child = spawn(
      process.execPath,
      [BIN, 'bisect', FAILING, '--good', ids[0]!, '--bad', 'HEAD', '--run', 'sleep 301'],
      { cwd: project, env: { ...process.env, ...env, NO_COLOR: '1' } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Its first cell is running once the step's `sleep 301` is, below this vmatrix.
    const deadline = Date.now() + 120_000;
    let sleeping: number[] = [];
    while ((sleeping = await descendantsMatching(child.pid!, 'sleep\u0000301')).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(sleeping.length, out).toBeGreaterThan(0);
    const pressed = Date.now();
    child.kill('SIGINT');
    const code = await Promise.race([closed, new Promise<'late'>((r) => setTimeout(() => r('late'), 30_000))]);
    if (code === 'late') {
      child.kill('SIGKILL');
      await closed;
    }
    expect(code, out).toBe(130);
    expect(Date.now() - pressed).toBeLessThan(30_000);
    expect(out).not.toMatch(/at .*\.js:\d+/);
    expect(await until(() => processesOf(store), 5000)).toEqual([]);
    expect((await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(store))).toEqual([]);
    expect(await readdir(join(store, 'cells'))).toEqual([]);
    expect(await readdir(join(store, 'tmp')).catch(() => [])).toEqual(tmpBefore);
    expect(await bisectEntries(store)).toEqual(bisectBefore);
    expect(existsSync(join(project, '.git/BISECT_LOG'))).toBe(false);
    expect(await repoState()).toEqual(before);
  }, 300_000);
});
