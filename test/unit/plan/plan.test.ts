import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRun } from '../../../src/plan/plan.js';
import { Store } from '../../../src/store/index.js';

// planRun decides the cells before anything slow starts: --distro narrows the matrix by distro, aliases
// included, and says what the matrix has when nothing matches.

async function config(text: string): Promise<{ file: string; store: Store }> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-plan-'));
  await writeFile(join(dir, 'vmatrix.yml'), text);
  return { file: join(dir, 'vmatrix.yml'), store: new Store(join(dir, 'store')) };
}

describe('planRun --distro', () => {
  it('keeps the cells of the named distros, resolving aliases on both sides', async () => {
    const { file, store } = await config(
      'distros: [debian-12, busybox, debian-11]\nmatrix:\n  cc: [gcc, clang]\ntest: make\n',
    );
    const plan = await planRun(file, { store, distros: ['debian-bookworm'] });
    expect(plan.cells.map((c) => c.id)).toEqual(['debian-12/cc=gcc', 'debian-12/cc=clang']);
    const two = await planRun(file, { store, distros: ['busybox', 'debian-11'] });
    expect(two.cells.map((c) => c.distro)).toEqual(['busybox', 'busybox', 'debian-11', 'debian-11']);
  });

  it('refuses a distro the matrix does not use, listing the ones it does', async () => {
    const { file, store } = await config('distros: [busybox]\ntest: make\n');
    await expect(planRun(file, { store, distros: ['debian-12'] })).rejects.toMatchObject({
      code: 'NO_CELLS',
      exit: 2,
      hint: 'its distros: busybox',
    });
  });
});

describe('planRun and end of life', () => {
  it('warns once per EOL distro, however many names and cells it has, judged on the given day', async () => {
    const { file, store } = await config(
      'distros: [debian-11, debian-oldoldstable, debian-13, busybox]\nmatrix:\n  cc: [gcc, clang]\ntest: make\n',
    );
    const plan = await planRun(file, { store, today: '2026-12-04' });
    expect(plan.cells).toHaveLength(8);
    expect(plan.eolWarnings).toEqual([
      'debian-11 is past its end of life (EOL since 2026-08-31, https://wiki.debian.org/LTS): it gets no ' +
        'security updates and its mirrors may drop it; test on a supported debian release as well ' +
        "(`vmatrix distros` shows each one's status)",
    ]);
    expect((await planRun(file, { store, today: '2026-08-31' })).eolWarnings).toEqual([]);
  });
});

describe('planRun and arch', () => {
  it("gives each cell its arch's catalog entry, keyed by distro and arch", async () => {
    const { file, store } = await config('distros: [debian-12]\narch: [amd64, s390x]\ntest: make\n');
    const plan = await planRun(file, { store });
    expect(plan.cells.map((c) => [c.id, c.arch])).toEqual([
      ['debian-12/arch=amd64', 'amd64'],
      ['debian-12/arch=s390x', 's390x'],
    ]);
    expect(plan.distros.get('debian-12@s390x')).toMatchObject({ name: 'debian-12', arch: 's390x' });
    expect(plan.cellPlans[1]!.distro.arch).toBe('s390x');
    expect(plan.cellPlans[1]!.env.VMATRIX_ARCH).toBe('s390x');
  });

  it('--arch narrows a config that has arch:, keeping its ids; refuses an arch it lacks', async () => {
    const { file, store } = await config('distros: [debian-12]\narch: [amd64, i386, s390x]\ntest: make\n');
    const plan = await planRun(file, { store, arches: ['s390x,i386'] });
    expect(plan.cells.map((c) => c.id)).toEqual(['debian-12/arch=i386', 'debian-12/arch=s390x']);
    expect(plan.matrix!.cells).toHaveLength(3);
    await expect(planRun(file, { store, arches: ['riscv64'] })).rejects.toMatchObject({
      code: 'NO_CELLS',
      exit: 2,
      hint: expect.stringContaining('its arches: amd64, i386, s390x'),
    });
  });

  it('--arch runs a config without arch: on the arches it names', async () => {
    const { file, store } = await config('distros: [debian-12]\ntest: make\n');
    const plan = await planRun(file, { store, arches: ['arm64'] });
    expect(plan.cells).toMatchObject([{ id: 'debian-12', arch: 'arm64' }]);
    expect(plan.cellPlans[0]!.distro.arch).toBe('arm64');
  });

  it("refuses an --arch vmatrix does not know, and one spelt the kernel's way", async () => {
    const { file, store } = await config('distros: [debian-12]\ntest: make\n');
    await expect(planRun(file, { store, arches: ['sparc64'] })).rejects.toMatchObject({
      code: 'UNKNOWN_ARCH',
      exit: 2,
    });
    await expect(planRun(file, { store, arches: ['aarch64'] })).rejects.toThrow(/arm64 in Debian's spelling/);
  });

  it("refuses a distro the catalog has no image of for an arch, naming the distro's arches", async () => {
    const { file, store } = await config('distros: [alpine-3.22]\narch: [s390x]\ntest: make\n');
    await expect(planRun(file, { store })).rejects.toMatchObject({ code: 'UNSUPPORTED_ARCH', exit: 2 });
  });
});
