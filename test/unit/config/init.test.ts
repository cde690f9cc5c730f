import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installScript, loadCatalog, mapPackageNames } from '../../../src/catalog/index.js';
import { detectKind, initConfig, parseConfig, PROJECT_KINDS, starterConfig } from '../../../src/config/index.js';
import { schemaRef } from '../../../src/config/init.js';
import { expandMatrix } from '../../../src/matrix/index.js';
import { packageRoot } from '../../../src/util/package-root.js';
import { VmError } from '../../../src/util/errors.js';

// `vmatrix init`: one starter per project kind, each a valid config on distros the catalog has.

const base = await mkdtemp(join(tmpdir(), 'vmx-init-'));
afterAll(() => rm(base, { recursive: true, force: true }));
let n = 0;

async function project(files: string[]): Promise<string> {
  const dir = await mkdtemp(join(base, `p${++n}-`));
  for (const f of files) await writeFile(join(dir, f), '');
  return dir;
}

describe('the init templates', () => {
  it('are exactly one per kind', async () => {
    const files = await readdir(join(packageRoot(), 'templates/init'));
    expect(files.sort()).toEqual(PROJECT_KINDS.map((k) => `${k}.yml`).sort());
  });

  it.each(PROJECT_KINDS)('%s loads through the config loader, on distros of the catalog', async (kind) => {
    const text = await starterConfig(kind, base);
    expect(text.split('\n')[0]).toBe(
      `# yaml-language-server: $schema=${join(packageRoot(), 'schema/vmatrix.schema.json')}`,
    );
    const config = parseConfig(text, join(base, 'vmatrix.yml'));
    expect(config.test.length).toBeGreaterThan(0);
    expect(expandMatrix(config).length).toBeGreaterThan(0);
    const catalog = await loadCatalog();
    for (const d of config.distros) {
      const entry = catalog.resolve(d, { arch: 'amd64' });
      expect(entry.name).toBe(d);
      expect(
        () => installScript(entry.packageManager, mapPackageNames(entry.packageManager, config.packages)),
        d,
      ).not.toThrow();
    }
  });
});

describe('detectKind', () => {
  const cases: Array<[string[], string, string | undefined]> = [
    [['CMakeLists.txt', 'Makefile'], 'c-cmake', 'CMakeLists.txt'],
    [['meson.build', 'Makefile'], 'c-meson', 'meson.build'],
    [['CMakeLists.txt', 'meson.build'], 'c-cmake', 'CMakeLists.txt'],
    [['Cargo.toml', 'Makefile'], 'rust', 'Cargo.toml'],
    [['go.mod'], 'go', 'go.mod'],
    [['package.json', 'Makefile'], 'node', 'package.json'],
    [['pyproject.toml'], 'python', 'pyproject.toml'],
    [['setup.py'], 'python', 'setup.py'],
    [['requirements.txt'], 'python', 'requirements.txt'],
    [['Makefile'], 'make', 'Makefile'],
    [['README.md'], 'generic', undefined],
  ];
  it.each(cases)('%j is %s', async (files, kind, marker) => {
    expect(await detectKind(await project(files))).toEqual(marker ? { kind, marker } : { kind });
  });
});

describe('initConfig', () => {
  it("writes the detected kind's starter, and refuses to overwrite without force", async () => {
    const dir = await project(['go.mod']);
    expect(await initConfig(dir)).toEqual({
      file: join(dir, 'vmatrix.yml'),
      kind: 'go',
      marker: 'go.mod',
      hostNetwork: true,
    });
    expect(await readFile(join(dir, 'vmatrix.yml'), 'utf8')).toBe(await starterConfig('go', dir));
    const e = await initConfig(dir, { kind: 'rust' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VmError);
    expect((e as VmError).code).toBe('CONFIG_EXISTS');
    expect((e as VmError).exit).toBe(2);
    expect(await readFile(join(dir, 'vmatrix.yml'), 'utf8')).toBe(await starterConfig('go', dir));
    await initConfig(dir, { kind: 'rust', force: true });
    expect(await readFile(join(dir, 'vmatrix.yml'), 'utf8')).toBe(await starterConfig('rust', dir));
    expect((await initConfig(await project(['CMakeLists.txt']))).hostNetwork).toBe(false);
  });

  it('points at the schema by a relative path when vmatrix is installed in the project', () => {
    expect(schemaRef('/p', '/p/node_modules/vmatrix/schema/vmatrix.schema.json')).toBe(
      'node_modules/vmatrix/schema/vmatrix.schema.json',
    );
    expect(schemaRef('/p', '/usr/lib/node_modules/vmatrix/schema/vmatrix.schema.json')).toBe(
      '/usr/lib/node_modules/vmatrix/schema/vmatrix.schema.json',
    );
  });
});
