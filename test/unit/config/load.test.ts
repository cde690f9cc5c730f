import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { VmError } from '../../../src/util/errors.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'vmatrix-config-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const FULL = `distros: [debian-11, debian-12]
matrix:
  cc: [gcc, clang]
  python: [3.9, "3.11", 3.10]
exclude:
  - { distro: debian-11, cc: clang }
include:
  - { distro: debian-12, cc: gcc, build: asan }
packages: [make, "\${{ matrix.cc }}"]
install_recommends: false
setup: ./ci/install-deps.sh
setup_inputs: [requirements.txt, 'ci/*.sh']
test:
  - make
  - make test CC=\${{matrix.cc}}
env: { CI: 1, VERBOSE: true, NAME: x }
timeout: 15m
workdir: /project/
network: host
user: tester
resources: { memory: 512m, cpus: 1.5, pids: 256 }
`;

describe('loadConfig', () => {
  it('reads, validates and normalises a full file', async () => {
    const file = join(dir, 'vmatrix.yml');
    await writeFile(file, FULL);
    expect(await loadConfig(file)).toEqual({
      file,
      distros: ['debian-11', 'debian-12'],
      // 3.10 stays 3.10: a version must not become 3.1.
      matrix: { cc: ['gcc', 'clang'], python: [3.9, '3.11', '3.10'] },
      exclude: [{ distro: 'debian-11', cc: 'clang' }],
      include: [{ distro: 'debian-12', cc: 'gcc', build: 'asan' }],
      packages: ['make', '${{ matrix.cc }}'],
      installRecommends: false,
      setup: ['./ci/install-deps.sh'],
      setupInputs: ['requirements.txt', 'ci/*.sh'],
      test: [{ name: 'make', run: 'make' }, { name: 'make test CC=${{matrix.cc}}', run: 'make test CC=${{matrix.cc}}' }],
      env: { CI: '1', VERBOSE: 'true', NAME: 'x' },
      timeout: 900_000,
      retries: 0,
      artifacts: [],
      workdir: '/project',
      network: 'host',
      user: 'tester',
      resources: { memory: 512 * 2 ** 20, cpus: 1.5, pids: 256 },
      overrides: [],
    });
  });

  it('fills in defaults for a minimal file', async () => {
    const file = join(dir, 'vmatrix.yml');
    await writeFile(file, 'distros: [debian-12]\ntest: make test\n');
    expect(await loadConfig(file)).toEqual({
      file, distros: ['debian-12'], matrix: {}, include: [], exclude: [], packages: [], installRecommends: true, setup: [], setupInputs: [],
      test: [{ name: 'make test', run: 'make test' }], env: {}, timeout: undefined, retries: 0, artifacts: [], workdir: '/src', network: 'none', user: 'root', resources: {}, overrides: [],
    });
  });

  it('reads a bare number timeout as seconds', () => {
    expect(parseConfig('distros: [d]\ntest: x\ntimeout: 90\n', 'vmatrix.yml').timeout).toBe(90_000);
    expect(parseConfig('distros: [d]\ntest: x\ntimeout: 1h30m\n', 'vmatrix.yml').timeout).toBe(5_400_000);
  });

  it('fails with CONFIG_NOT_FOUND and a hint when the file does not exist', async () => {
    const error = await loadConfig(join(dir, 'vmatrix.yml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VmError);
    expect(error).toMatchObject({ code: 'CONFIG_NOT_FOUND', exit: 2, hint: "run in your project's root or pass --config" });
    expect((error as VmError).message).toContain('vmatrix.yml does not exist');
  });

  it('names a file outside the working directory by its absolute path', async () => {
    const file = join(dir, 'vmatrix.yml');
    await writeFile(file, 'distros: [d]\n');
    const error = await loadConfig(file).then(() => undefined, (e: unknown) => e as VmError);
    expect(error?.message).toBe(`${file}:1: test: required key is missing`);
  });
});
