import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, symlink, unlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DistroEntry, PackageManagerName } from '../../../src/catalog/index.js';
import { parseConfig } from '../../../src/config/index.js';
import type { ImageRef } from '../../../src/images/index.js';
import { expandMatrix } from '../../../src/matrix/index.js';
import { LAYER_FORMAT, layerInputs, type LayerSource } from '../../../src/layers/build.js';
import { layerKey, setupInputFiles } from '../../../src/layers/key.js';
import { recipeFor } from '../../../src/plan/recipe.js';
import type { IdMap } from '../../../src/vps/index.js';

// "Changing each input of a setup layer invalidates it and nothing else does": every case starts from the
// same project and config, computes the key the way a run does (config → cell → recipe → setup_inputs →
// layer inputs → key), changes one thing, and computes it again.

const YAML = `
distros: [debian-12]
matrix:
  build: [Debug, Release]
packages: [build-essential, cmake]
setup: ./ci/deps.sh
setup_inputs: [requirements.txt, 'ci/*.cfg']
env: { CI: "1", LANG: C.UTF-8 }
test: make BUILD=\${{ matrix.build }}
timeout: 10m
`;

const FILES: Array<[string, string, number]> = [
  ['ci/deps.sh', 'echo installing deps\n', 0o755],
  ['requirements.txt', 'pytest==8.3\n', 0o644],
  ['ci/tools.cfg', 'level=1\n', 0o644],
  ['README.md', '# a project\n', 0o644],
  ['src/main.c', 'int main(void) { return 0; }\n', 0o644],
];

interface Scenario {
  yaml: string;
  /** The cell whose layer is keyed: its build axis. */
  build: string;
  image: string;
  pm: PackageManagerName;
  userns?: IdMap;
  format: number;
  /** The project snapshot. */
  tree: string;
  /** A directory outside the project. */
  outside: string;
}

const scratch = await mkdtemp(join(tmpdir(), 'vmx-layer-key-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));
let n = 0;

async function baseScenario(): Promise<Scenario> {
  const root = join(scratch, String(++n));
  const tree = join(root, 'tree');
  for (const [path, text, mode] of FILES) {
    await mkdir(join(tree, path, '..'), { recursive: true });
    await writeFile(join(tree, path), text);
    await chmod(join(tree, path), mode);
  }
  await mkdir(join(root, 'outside'));
  return {
    yaml: YAML,
    build: 'Debug',
    image: 'image-a',
    pm: 'apt',
    userns: { uid: 100_000, gid: 100_000, size: 65_536 },
    format: LAYER_FORMAT,
    tree,
    outside: join(root, 'outside'),
  };
}

async function keyOf(s: Scenario): Promise<string> {
  const config = parseConfig(s.yaml, join(s.tree, 'vmatrix.yml'));
  const distro = { name: 'debian-12', family: 'debian', packageManager: s.pm, shell: '/bin/sh' } as DistroEntry;
  const cell = expandMatrix(config).find((c) => c.axes.build === s.build)!;
  const { files } = await setupInputFiles(s.tree, config.setupInputs);
  const source: LayerSource = {
    image: { id: s.image } as ImageRef,
    distro,
    recipe: recipeFor(config, distro, cell),
    sourceTree: s.tree,
    workdir: config.workdir,
    userns: s.userns,
    setupInputs: files,
  };
  return layerKey({ ...(await layerInputs(source)), format: s.format });
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const edit = (s: Scenario, from: string, to: string): void => {
  if (!s.yaml.includes(from)) throw new Error(`the config has no ${from}`);
  s.yaml = s.yaml.replace(from, to);
};

interface Case {
  what: string;
  /** Applied before the first key (both keys see it). */
  given?: (s: Scenario) => void | Promise<void>;
  change: (s: Scenario) => void | Promise<void>;
}

const INVALIDATE: Case[] = [
  {
    what: 'the image id',
    change: (s) => {
      s.image = 'image-b';
    },
  },
  {
    what: 'the package manager',
    change: (s) => {
      s.pm = 'dnf';
    },
  },
  {
    what: 'the package list',
    change: (s) => edit(s, 'packages: [build-essential, cmake]', 'packages: [build-essential, cmake, git]'),
  },
  { what: 'install_recommends turned off', change: (s) => edit(s, 'timeout:', 'install_recommends: false\ntimeout:') },
  {
    what: 'install_recommends turned off for this distro by an override',
    change: (s) => edit(s, 'timeout:', 'overrides: { debian: { install_recommends: false } }\ntimeout:'),
  },
  {
    what: 'install_recommends turned off on dnf',
    given: (s) => {
      s.pm = 'dnf';
    },
    change: (s) => edit(s, 'timeout:', 'install_recommends: false\ntimeout:'),
  },
  {
    what: 'the package list an override gives',
    change: (s) => edit(s, 'timeout:', 'overrides: { debian-12: { packages: [build-base, cmake] } }\ntimeout:'),
  },
  {
    what: 'a placeholder in packages naming an axis, from cell to cell',
    given: (s) => edit(s, 'cmake]', 'cmake, "tool-${{ matrix.build }}"]'),
    change: (s) => {
      s.build = 'Release';
    },
  },
  { what: 'the setup commands', change: (s) => edit(s, 'setup: ./ci/deps.sh', 'setup: [./ci/deps.sh, echo more]') },
  { what: 'a value in env', change: (s) => edit(s, 'CI: "1"', 'CI: "2"') },
  { what: 'a variable added to env', change: (s) => edit(s, 'LANG: C.UTF-8', 'LANG: C.UTF-8, DEBUG: "0"') },
  {
    what: 'an env value whose placeholder names an axis, from cell to cell',
    given: (s) => edit(s, 'LANG: C.UTF-8', 'LANG: C.UTF-8, FLAVOUR: "${{ matrix.build }}"'),
    change: (s) => {
      s.build = 'Release';
    },
  },
  {
    what: 'the content of a file a setup command names',
    change: (s) => writeFile(join(s.tree, 'ci/deps.sh'), 'echo other deps\n'),
  },
  { what: 'the mode of a file a setup command names', change: (s) => chmod(join(s.tree, 'ci/deps.sh'), 0o644) },
  {
    what: 'the content of a setup_inputs file',
    change: (s) => writeFile(join(s.tree, 'requirements.txt'), 'pytest==8.4\n'),
  },
  { what: 'the mode of a setup_inputs file', change: (s) => chmod(join(s.tree, 'requirements.txt'), 0o755) },
  { what: 'a new file a setup_inputs glob matches', change: (s) => writeFile(join(s.tree, 'ci/more.cfg'), 'x\n') },
  { what: 'a setup_inputs file removed', change: (s) => unlink(join(s.tree, 'ci/tools.cfg')) },
  {
    what: 'the user namespace ids',
    change: (s) => {
      s.userns = { uid: 200_000, gid: 200_000, size: 65_536 };
    },
  },
  {
    what: 'no user namespace',
    change: (s) => {
      s.userns = undefined;
    },
  },
  {
    what: 'LAYER_FORMAT',
    change: (s) => {
      s.format = LAYER_FORMAT + 1;
    },
  },
  { what: 'the workdir', change: (s) => edit(s, 'timeout:', 'workdir: /project\ntimeout:') },
  { what: 'the test user (created in the layer)', change: (s) => edit(s, 'timeout:', 'user: tester\ntimeout:') },
];

const KEEP: Case[] = [
  { what: 'a test command', change: (s) => edit(s, 'test: make BUILD=', 'test: make check BUILD=') },
  {
    what: 'a matrix axis value not used in setup (another cell)',
    change: (s) => {
      s.build = 'Release';
    },
  },
  {
    what: 'a new matrix axis not used in setup',
    change: (s) => edit(s, '  build: [Debug, Release]', '  build: [Debug, Release]\n  cc: [gcc, clang]'),
  },
  {
    what: 'an unrelated project file edited',
    change: (s) => writeFile(join(s.tree, 'src/main.c'), 'int main(void) { return 1; }\n'),
  },
  { what: 'an unrelated project file added', change: (s) => writeFile(join(s.tree, 'NOTES.md'), 'notes\n') },
  { what: 'the mode of an unrelated project file', change: (s) => chmod(join(s.tree, 'README.md'), 0o600) },
  { what: 'the timeout', change: (s) => edit(s, 'timeout: 10m', 'timeout: 20m') },
  {
    what: 'the test network and resources',
    change: (s) => edit(s, 'timeout:', 'network: host\nresources: { memory: 1g }\ntimeout:'),
  },
  { what: 'the order of env keys', change: (s) => edit(s, '{ CI: "1", LANG: C.UTF-8 }', '{ LANG: C.UTF-8, CI: "1" }') },
  {
    what: 'a setup_inputs glob that matches nothing',
    change: (s) => edit(s, "'ci/*.cfg']", "'ci/*.cfg', 'docs/*.txt']"),
  },
  {
    what: 'install_recommends written out as its default',
    change: (s) => edit(s, 'timeout:', 'install_recommends: true\ntimeout:'),
  },
  {
    what: 'install_recommends on a package manager without weak dependencies (apk)',
    given: (s) => {
      s.pm = 'apk';
    },
    change: (s) => edit(s, 'timeout:', 'install_recommends: false\ntimeout:'),
  },
  {
    what: 'install_recommends when there are no packages',
    given: (s) => edit(s, 'packages: [build-essential, cmake]', 'packages: []'),
    change: (s) => edit(s, 'timeout:', 'install_recommends: false\ntimeout:'),
  },
  {
    what: 'install_recommends turned off by an override for another distro',
    change: (s) => edit(s, 'timeout:', 'overrides: { alpine: { install_recommends: false } }\ntimeout:'),
  },
  {
    what: 'a package list that maps to the same packages',
    given: (s) => {
      s.pm = 'dnf';
    },
    change: (s) => edit(s, '[build-essential, cmake]', '[build-essential, g++, cmake]'),
  },
  {
    what: 'a file outside the project that a setup_inputs symlink points to',
    given: async (s) => {
      await writeFile(join(s.outside, 'secret'), 'one\n');
      await symlink(join(s.outside, 'secret'), join(s.tree, 'ci/link.cfg'));
    },
    change: (s) => writeFile(join(s.outside, 'secret'), 'two\n'),
  },
];

async function keys(c: Case): Promise<[string, string]> {
  const s = await baseScenario();
  await c.given?.(s);
  const before = await keyOf(s);
  await c.change(s);
  return [before, await keyOf(s)];
}

describe('the setup layer key', () => {
  it.each(INVALIDATE)('changes with $what', async (c) => {
    const [before, after] = await keys(c);
    expect(after).not.toBe(before);
  });

  it.each(KEEP)('stays the same when only $what changes', async (c) => {
    const [before, after] = await keys(c);
    expect(after).toBe(before);
  });

  it('is the same for the same inputs, and a 16-digit hex id', async () => {
    const s = await baseScenario();
    expect(await keyOf(s)).toBe(await keyOf(s));
    expect(await keyOf(s)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('setupInputFiles', () => {
  it('digests each matched file once, with its mode, and names the globs that match nothing', async () => {
    const s = await baseScenario();
    const r = await setupInputFiles(s.tree, ['requirements.txt', 'ci/*', './ci/*.cfg', 'nothing/**']);
    expect(Object.keys(r.files)).toEqual(['ci/deps.sh', 'ci/tools.cfg', 'requirements.txt']);
    expect(r.files['ci/deps.sh']!.mode).toBe('755');
    expect(r.files['requirements.txt']).toEqual({ mode: '644', sha256: sha256('pytest==8.3\n') });
    expect(r.unmatched).toEqual(['nothing/**']);
  });

  it('keys a symlink by its target text, never reading through it', async () => {
    const s = await baseScenario();
    await writeFile(join(s.outside, 'secret'), 'outside\n');
    await symlink(join(s.outside, 'secret'), join(s.tree, 'ci/link.cfg'));
    const r = await setupInputFiles(s.tree, ['ci/*.cfg']);
    expect(r.files['ci/link.cfg']).toEqual({ mode: 'link', sha256: sha256(join(s.outside, 'secret')) });
  });
});
