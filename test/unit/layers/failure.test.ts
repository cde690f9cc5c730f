import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DistroEntry } from '../../../src/catalog/index.js';
import { setupFailed, setupFailure, setupSteps } from '../../../src/layers/failure.js';
import type { CellRunResult } from '../../../src/vps/index.js';
import { lastLines, TAIL_LINES } from '../../../src/util/tail.js';

// What a failed setup says: which step, the package the package manager did not find (only when the
// install is the step that failed), and the setup log's end and path for results.json.

const debian = { name: 'debian-12', family: 'debian', packageManager: 'apt' } as DistroEntry;
const recipe = {
  packages: ['gcc', 'libfoo-dev'],
  setup: ['./ci/deps.sh --all', 'make -C tools\nmake -C docs'],
  env: {},
};
const exited = (exitCode: number, more: Partial<CellRunResult> = {}): CellRunResult => ({
  exitCode,
  signal: null,
  timedOut: false,
  aborted: false,
  durationMs: 2500,
  oomKilled: false,
  ...more,
});

async function setupLog(text: string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-setup-'));
  const path = join(dir, '.vmatrix/runs/r/setup/debian-12-0123abcd.log');
  await mkdir(join(dir, '.vmatrix/runs/r/setup'), { recursive: true });
  await writeFile(path, text);
  return { dir, path };
}

const APT_MISSING = `+ apt-get update && apt-get install -y 'gcc' 'libfoo-dev'\nReading package lists...\nE: Unable to locate package libfoo-dev\n`;

describe('setupSteps', () => {
  it('names the install as people write it and a setup command by its first line', () => {
    const { steps, install } = setupSteps(debian, recipe);
    expect(steps.map((s) => s.name)).toEqual(['apt-get install gcc libfoo-dev', './ci/deps.sh --all', 'make -C tools']);
    expect(install).toBe(steps[0]);
    expect(install!.run).toMatch(/^apt-get update && .* 'gcc' 'libfoo-dev'/);
    expect(steps[2]!.run).toBe('make -C tools\nmake -C docs');
  });

  it('has no install without packages', () => {
    expect(setupSteps(debian, { ...recipe, packages: [] })).toEqual({
      steps: [{ name: './ci/deps.sh --all', run: './ci/deps.sh --all' }, expect.anything()],
      install: undefined,
    });
  });
});

describe('setupFailed', () => {
  it('names the step, and the package the install did not find, with a hint at overrides', async () => {
    const { dir, path } = await setupLog(APT_MISSING);
    const { steps, install } = setupSteps(debian, recipe);
    const e = await setupFailed(exited(100), {
      distro: debian,
      recipe,
      logPath: path,
      step: steps[0],
      installing: true,
    });
    expect(e.message).toBe(
      'setup step "apt-get install gcc libfoo-dev" exited 100: package "libfoo-dev" was not found on debian-12 (apt)',
    );
    expect(e.end).toMatchObject({ exitCode: 100, durationMs: 2500, step: install!.name });
    expect(setupFailure(e, lastLines(APT_MISSING, TAIL_LINES), dir)).toEqual({
      error: 'package "libfoo-dev" was not found on debian-12 (apt)',
      hint: 'its name differs on this distro? give debian-12 its own list under overrides: (overrides: { debian-12: { packages: [gcc, libfoo-dev] } })',
      missingPackages: ['libfoo-dev'],
      logPath: '.vmatrix/runs/r/setup/debian-12-0123abcd.log',
      tail: [
        "+ apt-get update && apt-get install -y 'gcc' 'libfoo-dev'",
        'Reading package lists...',
        'E: Unable to locate package libfoo-dev',
      ],
    });
  });

  it('names every missing package at once', async () => {
    const { path } = await setupLog(`E: Unable to locate package gcc\nE: Unable to locate package libfoo-dev\n`);
    const e = await setupFailed(exited(100), {
      distro: debian,
      recipe,
      logPath: path,
      step: setupSteps(debian, recipe).install,
      installing: true,
    });
    expect(e.end.finding.error).toBe('packages "gcc", "libfoo-dev" were not found on debian-12 (apt)');
    expect(e.end.finding.hint).toMatch(/^their names differ on this distro\? /);
  });

  it('reads nothing into the log of a setup command, even one that runs the package manager itself', async () => {
    const { path } = await setupLog(`${APT_MISSING}+ ./ci/deps.sh --all\nE: Unable to locate package libbar\n`);
    const step = setupSteps(debian, recipe).steps[1];
    const e = await setupFailed(exited(100), { distro: debian, recipe, logPath: path, step, installing: false });
    expect(e.message).toBe('setup step "./ci/deps.sh --all" exited 100');
    expect(e.end.finding).toEqual({});
  });

  it('a setup command that missed a file is told that setup sees only the files it names and setup_inputs', async () => {
    const { path } = await setupLog(
      '+ ./ci/deps.sh --all\n./ci/deps.sh: line 2: ci/versions.txt: No such file or directory\n',
    );
    const e = await setupFailed(exited(1), {
      distro: debian,
      recipe,
      logPath: path,
      step: setupSteps(debian, recipe).steps[1],
      installing: false,
    });
    expect(e.end.finding).toEqual({
      hint: expect.stringMatching(
        /^setup sees only the project files its commands name and those setup_inputs matches/,
      ),
    });
  });

  it('says how the setup ended when it timed out, was killed, or ended before its first step', async () => {
    const { path } = await setupLog(APT_MISSING);
    const o = { distro: debian, recipe, logPath: path, installing: true, step: setupSteps(debian, recipe).install };
    expect((await setupFailed(exited(137, { timedOut: true, signal: 'SIGKILL' }), o)).message).toBe(
      'setup step "apt-get install gcc libfoo-dev" timed out',
    );
    expect(
      (await setupFailed({ ...exited(0), exitCode: null, signal: 'SIGSEGV' }, { ...o, installing: false })).message,
    ).toBe('setup step "apt-get install gcc libfoo-dev" was killed by SIGSEGV');
    expect((await setupFailed(exited(127), { ...o, step: undefined, installing: false })).message).toBe(
      'setup exited 127',
    );
  });
});
