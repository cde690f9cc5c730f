import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DistroEntry } from '../../../src/catalog/index.js';
import { initOf } from '../../../src/cell/init.js';
import { parseConfig } from '../../../src/config/index.js';
import { LAYER_FORMAT, layerKey } from '../../../src/layers/key.js';
import type { Recipe } from '../../../src/layers/index.js';
import { expandMatrix } from '../../../src/matrix/index.js';
import { planCells } from '../../../src/plan/cell-plan.js';
import { planRun } from '../../../src/plan/plan.js';
import { Store } from '../../../src/store/index.js';
import { hostArch } from '../../../src/util/arch.js';

// Boot cells and services in the plan (issue 20): which cells boot, what that adds to their setup layer,
// and each service planned on its own distro.

const entry = (name: string, family: string, packageManager: string) =>
  ({ name, family, packageManager, shell: '/bin/sh', arch: 'amd64' }) as DistroEntry;
const DEBIAN = entry('debian-12', 'debian', 'apt');
const ALPINE = entry('alpine-3.20', 'alpine', 'apk');
const VOID = entry('void-musl', 'void', 'xbps');
const ENTRIES = [DEBIAN, ALPINE, VOID];

function plans(yaml: string, distros = 'debian-12, alpine-3.20') {
  const config = parseConfig(`distros: [${distros}]\ntest: make\n${yaml}`, 'vmatrix.yml');
  const map = new Map(ENTRIES.map((d) => [`${d.name}@amd64`, d]));
  return planCells(config, expandMatrix(config, { arches: ['amd64'] }), map);
}

const key = (recipe: Recipe) =>
  layerKey({
    ...recipe,
    format: LAYER_FORMAT,
    image: 'img',
    packageManager: 'apt',
    workdir: '/src',
    files: {},
    setupInputs: {},
  });

describe('boot cells in the plan', () => {
  it('boot nowhere unless the config says, and then with the boot timeout and the init of their family', () => {
    const [debian, alpine] = plans('packages: [make]');
    expect(debian!.boot).toBeUndefined();
    expect(alpine!.boot).toBeUndefined();
    const [d, a] = plans('packages: [make]\nboot: true\nboot_timeout: 2m');
    expect(d!.boot).toEqual({ timeoutMs: 120_000, init: initOf(DEBIAN) });
    expect(d!.boot!.init.kind).toBe('systemd');
    expect(a!.boot!.init.kind).toBe('openrc');
  });

  it('take the include entry over the override, and the override over the top level', () => {
    const cells = plans(
      [
        'matrix: { cc: [gcc, clang] }',
        'boot: true',
        'overrides: { alpine: { boot: false } }',
        'include:',
        '  - { distro: alpine-3.20, cc: clang, boot: true }',
        '  - { distro: debian-12, cc: clang, boot: false }',
      ].join('\n'),
    );
    expect(cells.map((c) => [c.id, c.boot !== undefined])).toEqual([
      ['debian-12/cc=gcc', true], //      top level
      ['debian-12/cc=clang', false], //   include over top level
      ['alpine-3.20/cc=gcc', false], //   override over top level
      ['alpine-3.20/cc=clang', true], //  include over override
    ]);
  });

  it("append the init's packages (the distro's names, once) to a boot cell's recipe only, so only its layer key changes", () => {
    const [plain] = plans('packages: [build-essential, systemd]', 'debian-12');
    const [booted] = plans('packages: [build-essential, systemd]\nboot: true', 'debian-12');
    expect(plain!.recipe.packages).toEqual(['build-essential', 'systemd']);
    expect(booted!.recipe.packages).toEqual(['build-essential', 'systemd', 'systemd-sysv']);
    expect(key(booted!.recipe)).not.toBe(key(plain!.recipe));
    // A cell that does not boot keeps the layer it had, in the same config as one that does.
    const [gcc, clang] = plans(
      'matrix: { cc: [gcc, clang] }\npackages: [make]\ninclude: [{ cc: clang, boot: true }]',
      'alpine-3.20',
    );
    expect(gcc!.recipe).toEqual(plans('matrix: { cc: [gcc, clang] }\npackages: [make]', 'alpine-3.20')[0]!.recipe);
    expect(clang!.recipe.packages).toEqual(['make', 'openrc', 'busybox-openrc']);
    expect(clang!.id).toBe('alpine-3.20/cc=clang');
  });

  it('refuse at plan time a cell of a family vmatrix cannot boot (exit 2), naming it', () => {
    expect(() => plans('boot: true', 'void-musl')).toThrow(
      expect.objectContaining({
        code: 'BOOT_UNSUPPORTED',
        exit: 2,
        message: 'void-musl: boot: true: vmatrix cannot boot void cells yet',
        hint: expect.stringContaining('boot: false') as string,
      }),
    );
    expect(plans('boot: true\noverrides: { void: { boot: false } }', 'void-musl')[0]!.boot).toBeUndefined();
  });

  it('share no services when the config has none', () => {
    expect(plans('boot: true')[0]!.services).toEqual([]);
  });
});

async function config(text: string): Promise<{ file: string; store: Store }> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-plan-'));
  await writeFile(join(dir, 'vmatrix.yml'), text);
  return { file: join(dir, 'vmatrix.yml'), store: new Store(join(dir, 'store')) };
}

describe('services in the plan', () => {
  it('are planned on their distro of the host arch, in the order written, and every cell has them', async () => {
    const { file, store } = await config(
      [
        'distros: [debian-12]',
        'test: make',
        'install_recommends: false',
        'boot_timeout: 90s',
        'services:',
        '  db:',
        '    distro: debian-12',
        '    packages: [build-essential, postgresql]',
        '    setup: [echo ok]',
        '    env: { PGPORT: 5432 }',
        '    run: exec postgres',
        '    ready: pg_isready',
        '  web:',
        '    distro: alpine-3.20',
        '    packages: [nginx]',
        '    boot: true',
        '    ready_timeout: 10s',
      ].join('\n'),
    );
    const plan = await planRun(file, { store });
    const [db, web] = plan.services;
    expect(plan.services.map((s) => [s.name, s.distro.name, s.distro.arch])).toEqual([
      ['db', 'debian-12', hostArch()],
      ['web', 'alpine-3.20', hostArch()],
    ]);
    expect(db).toMatchObject({
      run: 'exec postgres',
      ready: 'pg_isready',
      readyTimeoutMs: 60_000,
      env: { PGPORT: '5432' },
    });
    expect(db!.boot).toBeUndefined();
    expect(db!.recipe).toEqual({
      packages: ['build-essential', 'postgresql'],
      installRecommends: false,
      setup: ['echo ok'],
      env: { PGPORT: '5432' },
    });
    expect(web!.run).toBeUndefined();
    expect(web!.boot).toEqual({ timeoutMs: 90_000, init: initOf(web!.distro) });
    expect(web!.recipe).toEqual({ packages: ['nginx', 'openrc', 'busybox-openrc'], setup: [], env: {} });
    expect(web!.readyTimeoutMs).toBe(10_000);
    expect(plan.cellPlans[0]!.services).toEqual(plan.services);
  });

  it("refuse a service's unknown distro as a cell's, and a boot service of a family without an init", async () => {
    const unknown = await config('distros: [debian-12]\ntest: make\nservices: { db: { distro: debain-12, run: x } }\n');
    await expect(planRun(unknown.file, { store: unknown.store })).rejects.toMatchObject({
      code: 'UNKNOWN_DISTRO',
      exit: 2,
    });
    const noInit = await config(
      'distros: [debian-12]\ntest: make\nservices: { db: { distro: void-musl, boot: true } }\n',
    );
    await expect(planRun(noInit.file, { store: noInit.store })).rejects.toMatchObject({
      code: 'BOOT_UNSUPPORTED',
      exit: 2,
      message: 'services.db: boot: true: vmatrix cannot boot void cells yet',
    });
  });
});
