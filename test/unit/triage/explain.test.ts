import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../../src/results/types.js';
import { explainCell, explanationLines } from '../../../src/triage/index.js';
import { VmError } from '../../../src/util/errors.js';
import { cell, inventory, log, pkgs, run, source } from './fixtures.js';

const STEPS = ['cmake -S . -B build', 'cmake --build build', 'cd build && ctest --output-on-failure'];

function withInventory(c: CellResult): CellResult {
  return { ...c, inventory: c.logPath.replace('log.txt', 'inventory.json') };
}

const failing = withInventory(
  cell('debian-11/build=Debug', {
    status: 'failed',
    exitCode: 8,
    step: STEPS[2],
    steps: STEPS.map((name, i) => ({ name, exitCode: i === 2 ? 8 : 0, durationMs: 1 })),
  }),
);
const other = withInventory(
  cell('debian-12/build=Debug', { steps: STEPS.map((name) => ({ name, exitCode: 0, durationMs: 1 })) }),
);
const release = withInventory(cell('debian-11/build=Release', { steps: other.steps }));

const files = (): Record<string, string> => ({
  [failing.logPath]: log(
    failing,
    [
      [STEPS[0], ['-- The C compiler identification is GNU 10.2.1', '-- Configuring done']],
      [STEPS[1], ['[100%] Built target t']],
      [
        STEPS[2],
        ['Test project /src/build', 'strerror(2) is "Unknown error 2"', '1/1 Test #1: t ... ***Failed  0.03 sec'],
      ],
    ],
    {
      layer: '2640961f24f1226f',
      setup: ['+ apt-get install -y cmake gcc', 'Setting up cmake (3.18.4) ...', `+ ${STEPS[2]}`],
    },
  ),
  [other.logPath]: log(other, [
    [STEPS[0], ['-- The C compiler identification is GNU 12.2.0', '-- Configuring done']],
    [STEPS[1], ['[100%] Built target t']],
    [
      STEPS[2],
      ['Test project /src/build', 'strerror(2) is "No such file or directory"', '1/1 Test #1: t ... Passed  0.02 sec'],
    ],
  ]),
  [release.logPath]: log(release, [
    [STEPS[0], ['-- The C compiler identification is GNU 10.2.1', '-- Configuring done']],
    [STEPS[1], ['[100%] Built target t']],
    [
      STEPS[2],
      ['Test project /src/build', 'strerror(2) is "Unknown error 2"', '1/1 Test #1: t ... ***Failed  0.01 sec'],
    ],
  ]),
  [failing.inventory!]: JSON.stringify(
    inventory(failing, {
      steps: STEPS,
      libc: { name: 'glibc', version: '2.31-13+deb11u11', from: 'libc6' },
      compilers: [{ name: 'gcc', version: '10.2.1-6', from: 'gcc-10' }],
      packages: pkgs({
        zlib1g: '1.2.11',
        libc6: '2.31-13+deb11u11',
        'gcc-10': '10.2.1-6',
        cmake: '3.18.4',
        libfoo1: '1',
      }),
      env: { VMATRIX_CELL: failing.id, HOSTNAME: failing.slug, BUILD: 'Debug', PATH: '/usr/bin' },
    }),
  ),
  [other.inventory!]: JSON.stringify(
    inventory(other, {
      steps: STEPS,
      libc: { name: 'glibc', version: '2.36-9+deb12u14', from: 'libc6' },
      compilers: [{ name: 'gcc', version: '12.2.0-14', from: 'gcc-12' }],
      packages: pkgs({
        zlib1g: '1.2.13',
        libc6: '2.36-9+deb12u14',
        'gcc-12': '12.2.0-14',
        cmake: '3.25.1',
        libfoo1: '1',
      }),
      env: { VMATRIX_CELL: other.id, HOSTNAME: other.slug, BUILD: 'Debug', PATH: '/usr/bin' },
    }),
  ),
});

describe('explainCell', () => {
  it('compares the failing cell with the same configuration on another distro, then its other configuration', async () => {
    const e = await explainCell(source(run([failing, other, release]), files()), failing.id);
    expect(e.cell).toMatchObject({ id: failing.id, status: 'failed', step: STEPS[2], exitCode: 8 });
    expect(e.compared.map((c) => [c.cell.id, c.relation])).toEqual([
      [other.id, 'other distro'],
      [release.id, 'other configuration'],
    ]);
    const [vsOther, vsRelease] = e.compared;
    expect(vsOther.axes).toEqual([{ name: 'distro', failing: 'debian-11', passing: 'debian-12' }]);
    expect(vsOther.libc?.passing?.version).toBe('2.36-9+deb12u14');
    expect(vsOther.compilers.map((c) => c.name)).toEqual(['gcc']);
    expect(vsOther.packages?.differences.map((d) => d.name)).toEqual(['libc6', 'cmake', 'gcc-10', 'gcc-12', 'zlib1g']);
    expect(vsOther.env).toEqual([]);
    // The setup log's line equal to the failed step's marker is passed over: the departure is in the test step.
    expect(vsOther.log).toMatchObject({
      step: STEPS[2],
      scope: 'step',
      departure: {
        failing: { text: 'strerror(2) is "Unknown error 2"' },
        passing: { text: 'strerror(2) is "No such file or directory"' },
      },
      earlierSteps: [STEPS[0]],
    });
    expect(vsOther.log?.departure?.failing?.line).toBe(14);
    expect(vsOther.notes).toEqual([]);
    // The release build has no inventory: its packages are not compared, and its identical log (once masked) says so.
    expect(vsRelease.axes).toEqual([{ name: 'build', failing: 'Debug', passing: 'Release' }]);
    expect(vsRelease.packages).toBeUndefined();
    expect(vsRelease.notes[0]).toMatch(/not found/);
    expect(vsRelease.log?.departure).toBeUndefined();
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('says so when no cell passed, and when the failing cell has no inventory', async () => {
    const bare = { ...failing, inventory: undefined };
    const e = await explainCell(source(run([bare, { ...other, status: 'failed' }]), files()), failing.id);
    expect(e.compared).toEqual([]);
    expect(e.notes).toEqual([
      `packages and environment not compared: ${failing.id} has no inventory (results written before inventories)`,
      'no cell of the run passed: there is nothing to compare with',
    ]);
    expect(explanationLines(e)).toContain('note: no cell of the run passed: there is nothing to compare with');
  });

  it('compares the whole test part when the compared cell has not the failed step', async () => {
    const f = files();
    f[other.inventory!] = JSON.stringify({ ...JSON.parse(f[other.inventory!]), steps: ['make'] });
    const e = await explainCell(source(run([failing, other]), f), failing.id);
    expect(e.compared[0].log).toMatchObject({ scope: 'tests' });
    expect(e.compared[0].log?.notes[0]).toMatch(/its steps differ/);
  });

  it('refuses an unknown cell, with the cells that failed', async () => {
    const r = run([failing, other]);
    const err = await explainCell(source(r, {}), 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VmError);
    expect(err).toMatchObject({ code: 'UNKNOWN_CELL', exit: 2, hint: `cells that failed in run r1: ${failing.id}` });
    await expect(explainCell(source(r, {}), 'debian-11/build=Debgu')).rejects.toMatchObject({
      hint: `did you mean ${failing.id}?`,
    });
  });

  it('refuses a cell that passed: there is nothing to explain', async () => {
    await expect(explainCell(source(run([failing, other]), {}), other.id)).rejects.toMatchObject({
      code: 'NOTHING_TO_EXPLAIN',
      exit: 2,
      message: `cell ${other.id} passed: there is nothing to explain`,
      hint: `cells that failed: ${failing.id}`,
    });
  });
});

describe('explanationLines', () => {
  it('puts the headline first and the C library before the packages, within 100 columns', async () => {
    const lines = explanationLines(await explainCell(source(run([failing, other, release]), files()), failing.id));
    expect(lines[0]).toBe(`${failing.id} failed at step "${STEPS[2]}" (exit 8)`);
    expect(lines.slice(1, 4)).toEqual([
      `log: ${failing.logPath}`,
      `compared with ${other.id} (passed; other distro)`,
      `          and ${release.id} (passed; other configuration)`,
    ]);
    const text = lines.join('\n');
    expect(text.indexOf('libc')).toBeLessThan(text.indexOf('packages'));
    expect(text).toContain('glibc 2.31-13+deb11u11 ≠ glibc 2.36-9+deb12u14');
    expect(text).toContain('strerror(2) is "Unknown error 2"');
    expect(text).toContain('steps that differ too: "cmake -S . -B build"');
    expect(lines.every((l) => l.length <= 100)).toBe(true);
  });

  it('shows project text inert: a terminal escape in a log line is escaped', async () => {
    const f = files();
    f[failing.logPath] = f[failing.logPath].replace('Unknown error 2', 'Unknown \u001b]0;pwned\u0007 error');
    const lines = explanationLines(await explainCell(source(run([failing, other]), f), failing.id));
    const text = lines.join('\n');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\u001b]0;pwned\\u0007');
  });

  it('cuts the package list and says how many more', async () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`pkg${String(i).padStart(2, '0')}`, '1']));
    const f = files();
    f[failing.inventory!] = JSON.stringify({ ...JSON.parse(f[failing.inventory!]), packages: pkgs(many) });
    const e = await explainCell(source(run([failing, other]), f), failing.id);
    expect(e.compared[0].packages?.total).toBe(25);
    expect(e.compared[0].packages?.differences).toHaveLength(25);
    expect(explanationLines(e)).toContain(`${' '.repeat(13)}and 13 more`);
  });
});
