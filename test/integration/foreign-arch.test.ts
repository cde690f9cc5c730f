import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCacheDir } from '../fixtures/debian-roots.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';
import type { CellResult, RunResult } from '../../src/results/types.js';

// `arch:` as an axis of the matrix, on real roots of four CPU architectures (test/fixtures/projects/arch-bugs):
// Debian 12 on amd64 and, under qemu-user through binfmt_misc, arm64 and s390x (and i386, see below). The
// fixture's C library has a bug that only big-endian s390x shows and one that only 32-bit i386 shows, so the
// run must fail exactly those two cells, each at its own step. The host must have qemu-user-static
// registered with the F flag (scripts/setup-host.sh, `vmatrix doctor --fix`) and arch-test (mmdebstrap's
// check of a foreign arch): a missing one fails this file, it is never skipped. i386 runs natively on a
// kernel that runs 32-bit x86 programs, else through a qemu-i386 entry of its own (Debian's qemu-user-static
// registers none on amd64).
//
// The store is kept in the test cache between runs, as toolchain-packages' is: the first run on a machine
// builds the three foreign roots with mmdebstrap and a gcc layer on each, under emulation. On a 2-core VM
// (2026-12-04, the three arches built at once beside other work) a root took 10.5 min and its gcc layer 7 min,
// 18 min in all; the native amd64 root and layer take 2 min. The hook's 45 min is that with room for a slower
// mirror or a busier host; later runs reuse the store and take under a minute.

const ARCHES = ['amd64', 'i386', 'arm64', 's390x'];
/** What `uname -m` prints in each cell: qemu-user reports the machine it emulates. */
const MACHINE: Record<string, string> = { amd64: 'x86_64', i386: 'i686', arm64: 'aarch64', s390x: 's390x' };

/** A cell of results.json as this version writes it: with its arch. */
type ArchCell = CellResult & { arch: string };

let project: string;
let env: Record<string, string>;
let run: CliResult;
let cells: ArchCell[];

/** The run's results.json; when there is none, the CLI's own output says why. */
async function resultsOf(cli: CliResult): Promise<RunResult> {
  const text = await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8').catch(() => {
    throw new Error(`vmatrix test wrote no results.json (exit ${cli.code}):\n${cli.stdout}${cli.stderr}`);
  });
  return JSON.parse(text) as RunResult;
}

const cell = (arch: string): ArchCell => cells.find((c) => c.id === `debian-12/arch=${arch}`)!;
const log = (c: CellResult): Promise<string> => readFile(join(project, c.logPath), 'utf8');
const steps = (c: CellResult): Array<[string, boolean]> => (c.steps ?? []).map((s) => [s.name, s.exitCode === 0]);

beforeAll(async () => {
  // The built-in catalog, as users have it: its debian-12 has every arch mmdebstrap builds.
  env = { VMATRIX_HOME: join(testCacheDir(), 'store-foreign-arch') };
  project = await gitProject('arch-bugs');
  run = await runCli(['test', '--reporter', 'plain'], { cwd: project, env });
  cells = (await resultsOf(run)).cells as ArchCell[];
}, 2_700_000);

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('a C library tested on Debian 12 × amd64, i386, arm64 and s390x', () => {
  it('runs one cell per arch, with arch as an axis of the cell ids, in matrix order', () => {
    expect(cells.map((c) => c.id)).toEqual(ARCHES.map((a) => `debian-12/arch=${a}`));
    for (const [i, c] of cells.entries()) {
      expect(c.arch, c.id).toBe(ARCHES[i]);
      expect(c.axes, c.id).toEqual({ arch: ARCHES[i] });
    }
  });

  it('exits 1: cells failed, none could not run', () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout + run.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
    expect(cells.map((c) => [c.id, c.status])).toEqual([
      ['debian-12/arch=amd64', 'passed'],
      ['debian-12/arch=i386', 'failed'],
      ['debian-12/arch=arm64', 'passed'],
      ['debian-12/arch=s390x', 'failed'],
    ]);
    expect(run.stdout).toMatch(/4 cells: 2 passed, 2 failed/);
  });

  it('fails s390x (big-endian) at the endianness step, after it passed the overflow step', async () => {
    const s390x = cell('s390x');
    expect(s390x).toMatchObject({ phase: 'test', step: 'endianness' });
    expect(steps(s390x)).toEqual([
      ['machine', true],
      ['build', true],
      ['overflow', true],
      ['endianness', false],
    ]);
    const text = await log(s390x);
    expect(text).toContain(
      'test_overflow: ok: msg_size of 3 x 1879048192 bytes is 5637144576 (exact); size_t is 64 bits',
    );
    expect(text).toContain('test_endian: FAIL: 0x01020304 went on the wire as 04 03 02 01, want 01 02 03 04');
  });

  it('fails i386 (32-bit size_t) at the overflow step only', async () => {
    const i386 = cell('i386');
    expect(i386).toMatchObject({ phase: 'test', step: 'overflow' });
    expect(steps(i386)).toEqual([
      ['machine', true],
      ['build', true],
      ['overflow', false],
    ]);
    const text = await log(i386);
    expect(text).toContain(
      'test_overflow: FAIL: msg_size of 3 x 1879048192 bytes is 1342177280, want 5637144576 or 0 (refused); size_t is 32 bits',
    );
    expect(text).not.toContain('+ make test-endian');
    expect(text).not.toContain('test_endian:');
  });

  it('passes amd64 and arm64, every step', async () => {
    for (const arch of ['amd64', 'arm64']) {
      const c = cell(arch);
      expect(steps(c), c.id).toEqual([
        ['machine', true],
        ['build', true],
        ['overflow', true],
        ['endianness', true],
      ]);
      expect(await log(c), c.id).toContain('test_endian: ok: 0x01020304 goes on the wire as 01 02 03 04');
    }
  });

  it('runs each cell on its own machine, and tells its steps the arch in VMATRIX_ARCH', async () => {
    for (const c of cells) {
      const text = await log(c);
      expect(text, c.id).toMatch(new RegExp(`^${MACHINE[c.arch]}\\nVMATRIX_ARCH=${c.arch}$`, 'm'));
    }
  });
});

describe('an arch that the host cannot run', () => {
  let binfmt: string;
  let unrunnable: CliResult;
  let result: RunResult;

  beforeAll(async () => {
    // No qemu-user registered: vmatrix reads binfmt_misc from VMATRIX_BINFMT_DIR, here an empty dir (the
    // host's real entries are never touched). amd64 runs natively; s390x needs qemu.
    binfmt = await mkdtemp(join(tmpdir(), 'vmx-binfmt-'));
    await writeFile(join(project, 'unrunnable.yml'), 'distros: [debian-12]\narch: [amd64, s390x]\ntest: uname -m\n');
    unrunnable = await runCli(['test', '--reporter', 'plain', '--config', 'unrunnable.yml'], {
      cwd: project,
      env: { ...env, VMATRIX_BINFMT_DIR: binfmt },
    });
    result = await resultsOf(unrunnable);
  }, 900_000);

  afterAll(() => rm(binfmt, { recursive: true, force: true }));

  it('is an error naming the fix, while the host arch passes; the run exits 3', () => {
    expect(unrunnable.code, unrunnable.stdout + unrunnable.stderr).toBe(3);
    expect(result.cells.map((c) => [c.id, c.status])).toEqual([
      ['debian-12/arch=amd64', 'passed'],
      ['debian-12/arch=s390x', 'error'],
    ]);
    const s390x = result.cells[1]!;
    expect(s390x.message).toMatch(/s390x/);
    expect(s390x.message).toMatch(/qemu/);
    expect(s390x.message).toMatch(/vmatrix doctor --fix/);
    expect(unrunnable.stdout + unrunnable.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  });
});
