import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { VmError } from '../../../src/util/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmatrix-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
      arch: [],
      // 3.10 stays 3.10: a version must not become 3.1.
      matrix: { cc: ['gcc', 'clang'], python: [3.9, '3.11', '3.10'] },
      exclude: [{ distro: 'debian-11', cc: 'clang' }],
      include: [{ distro: 'debian-12', cc: 'gcc', build: 'asan' }],
      packages: ['make', '${{ matrix.cc }}'],
      installRecommends: false,
      setup: ['./ci/install-deps.sh'],
      setupInputs: ['requirements.txt', 'ci/*.sh'],
      catalog: [],
      test: [
        { name: 'make', run: 'make' },
        { name: 'make test CC=${{matrix.cc}}', run: 'make test CC=${{matrix.cc}}' },
      ],
      env: { CI: '1', VERBOSE: 'true', NAME: 'x' },
      timeout: 900_000,
      retries: 0,
      artifacts: [],
      workdir: '/project',
      network: 'host',
      user: 'tester',
      resources: { memory: 512 * 2 ** 20, cpus: 1.5, pids: 256 },
      overrides: [],
      boot: false,
      bootTimeout: 60_000,
      services: [],
    });
  });

  it('fills in defaults for a minimal file', async () => {
    const file = join(dir, 'vmatrix.yml');
    await writeFile(file, 'distros: [debian-12]\ntest: make test\n');
    expect(await loadConfig(file)).toEqual({
      file,
      distros: ['debian-12'],
      arch: [],
      matrix: {},
      include: [],
      exclude: [],
      packages: [],
      installRecommends: true,
      setup: [],
      setupInputs: [],
      catalog: [],
      test: [{ name: 'make test', run: 'make test' }],
      env: {},
      timeout: undefined,
      retries: 0,
      artifacts: [],
      workdir: '/src',
      network: 'none',
      user: 'root',
      resources: {},
      overrides: [],
      boot: false,
      bootTimeout: 60_000,
      services: [],
    });
  });

  it('reads a bare number timeout as seconds', () => {
    expect(parseConfig('distros: [d]\ntest: x\ntimeout: 90\n', 'vmatrix.yml').timeout).toBe(90_000);
    expect(parseConfig('distros: [d]\ntest: x\ntimeout: 1h30m\n', 'vmatrix.yml').timeout).toBe(5_400_000);
  });

  it('fails with CONFIG_NOT_FOUND and a hint when the file does not exist', async () => {
    const error = await loadConfig(join(dir, 'vmatrix.yml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VmError);
    expect(error).toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      exit: 2,
      hint: "run in your project's root or pass --config",
    });
    expect((error as VmError).message).toContain('vmatrix.yml does not exist');
  });

  it('names a file outside the working directory by its absolute path', async () => {
    const file = join(dir, 'vmatrix.yml');
    await writeFile(file, 'distros: [d]\n');
    const error = await loadConfig(file).then(
      () => undefined,
      (e: unknown) => e as VmError,
    );
    expect(error?.message).toBe(`${file}:1: test: required key is missing`);
  });
});

describe('loadConfig on a file the project controls (vmatrix runs as root)', () => {
  const GOOD = 'distros: [busybox]\ntest: make\n';
  const refusal = (file: string, given?: boolean) =>
    loadConfig(file, { given }).then(
      () => undefined,
      (e: unknown) => e as VmError,
    );

  it('follows a link that stays in the project, and refuses one that leads out, without reading it', async () => {
    const project = join(dir, 'project');
    await mkdir(join(project, 'ci'), { recursive: true });
    await writeFile(join(project, 'ci', 'matrix.yml'), GOOD);
    await symlink('ci/matrix.yml', join(project, 'vmatrix.yml'));
    expect((await loadConfig(join(project, 'vmatrix.yml'))).test).toHaveLength(1);
    await writeFile(join(dir, 'secret'), 'root:SECRET-HASH:19000::::::\n');
    await rm(join(project, 'vmatrix.yml'));
    await symlink('../secret', join(project, 'vmatrix.yml'));
    for (const given of [false, true]) {
      const error = await refusal(join(project, 'vmatrix.yml'), given);
      expect(error).toMatchObject({ code: 'CONFIG_OUTSIDE_PROJECT', exit: 2 });
      expect(error!.message).toContain(`is a symbolic link that leads out of its project (to ${join(dir, 'secret')})`);
      expect(error!.message).not.toContain('SECRET');
    }
  });

  it("refuses a FIFO or a device as the project's vmatrix.yml, without blocking or reading", async () => {
    execFileSync('mkfifo', [join(dir, 'vmatrix.yml')]);
    expect(await refusal(join(dir, 'vmatrix.yml'))).toMatchObject({
      code: 'CONFIG_NOT_A_FILE',
      message: expect.stringContaining('vmatrix.yml is a FIFO, not a regular file'),
    });
    await rm(join(dir, 'vmatrix.yml'));
    execFileSync('mknod', [join(dir, 'vmatrix.yml'), 'c', '1', '5']); // /dev/zero: never ends
    expect(await refusal(join(dir, 'vmatrix.yml'))).toMatchObject({
      code: 'CONFIG_NOT_A_FILE',
      message: expect.stringContaining('vmatrix.yml is a device, not a regular file'),
    });
    expect(await refusal(join(dir, 'vmatrix.yml'), true)).toMatchObject({ code: 'CONFIG_NOT_A_FILE' });
  });

  it('reads a pipe the operator names with --config, bounded like a file', async () => {
    const fifo = join(dir, 'piped.yml');
    execFileSync('mkfifo', [fifo]);
    const writer = once(spawn('sh', ['-c', `printf 'distros: [busybox]\\ntest: make\\n' > ${fifo}`]), 'close');
    expect((await loadConfig(fifo, { given: true })).distros).toEqual(['busybox']);
    await writer;
    const endless = spawn('sh', ['-c', `exec yes 'x: 1' > ${fifo}`]);
    const ended = once(endless, 'close');
    expect(await refusal(fifo, true)).toMatchObject({
      code: 'CONFIG_TOO_LARGE',
      message: expect.stringContaining('is over 256.0 KB'),
    });
    endless.kill();
    await ended;
  });
});
