import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPath, printable } from '../../src/config/issues.js';
import { loadConfig, validateConfig } from '../../src/config/load.js';
import { VmError } from '../../src/util/errors.js';
import { runCli, spawnCapture, type CliResult } from '../helpers/cli.js';

// Broken and random vmatrix.yml files (docs/safety.md, "A bad `vmatrix.yml`"): whatever the file holds, loading it either gives a
// config or one usage error (exit 2) whose every line is `<file>:<line>: <field path>: <what is wrong>`;
// never a TypeError, a stack overflow or a hang. Files come from fast-check (random text, YAML token soup,
// well-formed documents with fields mutated to wrong types), plus hand-picked nasty ones; a failure prints
// fast-check's seed and the shrunk file. Then a sample goes through the real CLI (`npm test` builds dist/).

const TAGS = { tags: ['safety', 'config'] };
const SCHEMA = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../schema/vmatrix.schema.json', import.meta.url)), 'utf8'),
) as { properties: object };
const KEYS = Object.keys(SCHEMA.properties);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vmx-hostile-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// --- generators ---------------------------------------------------------------------------------------

/** `&a [*a0, *a0, …]` levels: `width ** depth` values once expanded. */
const aliasBomb = (width: number, depth: number): string =>
  Array.from(
    { length: depth },
    (_, i) =>
      `l${i}: &a${i} [${
        i === 0
          ? Array(width).fill('lol').join(', ')
          : Array(width)
              .fill(`*a${i - 1}`)
              .join(', ')
      }]`,
  ).join('\n');

const BILLION_LAUGHS = `${aliasBomb(10, 9)}\ndistros: *a8\ntest: make\n`;

const TOKENS = [
  '\n',
  '\n',
  ' ',
  '  ',
  '    ',
  '\t',
  ':',
  ': ',
  '- ',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '#',
  '|',
  '>-',
  '\\',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '!!binary ',
  '!!str ',
  '!!float ',
  '!!map ',
  '!!set ',
  '!foo ',
  '<<: ',
  '<<: *a',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '99999999999999999999999',
  '1e400',
  '-0',
  '.inf',
  '.nan',
  '0x1F',
  '0o17',
  '1_000',
  '3.10',
  'é',
  '😀',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\r',
  '\r\n',
  '\u0085',
  '\u2028',
  '\ufeff',
  '\ud800',
  '${{ matrix.x }}',
  '${{',
  ...KEYS,
  'distro',
  'name',
  'run',
  'memory',
  'cpus',
  'pids',
  '__proto__',
  'constructor',
];

const tokenSoup = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...TOKENS) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n)) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => '- '.repeat(n)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }))
          .map(([w, d]) => `\n${aliasBomb(w, d)}\n`),
      },
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** (a) Text that may or may not be YAML. */
const randomText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  tokenSoup,
  tokenSoup.map((t) => `distros: [debian-12]\ntest: make\n${t}`),
  fc
    .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }))
    .map(([w, d]) => `${aliasBomb(w, d)}\ndistros: *a${d - 1}\ntest: make\n`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `distros: ${'['.repeat(n)}x${']'.repeat(n)}\ntest: make\n`),
);

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const axis = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((a) => a !== 'distro');
const scalar = fc.oneof(word, fc.integer(), fc.boolean());
const envs = fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/), scalar, { maxKeys: 2 });
const words = (min = 0): fc.Arbitrary<string[]> => fc.uniqueArray(word, { minLength: min, maxLength: 3 });

/** A value that fits each key of the schema: a document of them is valid but for cross-field rules. */
const FITTING: Record<string, fc.Arbitrary<unknown>> = {
  distros: words(1),
  matrix: fc.dictionary(axis, fc.uniqueArray(scalar, { minLength: 1, maxLength: 3 }), { maxKeys: 2 }),
  include: fc.array(fc.dictionary(axis, scalar, { minKeys: 1, maxKeys: 2 }), { maxLength: 2 }),
  exclude: fc.array(fc.dictionary(axis, scalar, { minKeys: 1, maxKeys: 2 }), { maxLength: 2 }),
  packages: words(),
  install_recommends: fc.boolean(),
  setup: fc.oneof(word, words()),
  setup_inputs: words(),
  test: fc.oneof(
    word,
    words(1),
    fc.array(
      fc.record({ name: word, run: word, timeout: fc.constantFrom('90s', 30) }, { requiredKeys: ['name', 'run'] }),
      { minLength: 1, maxLength: 2 },
    ),
  ),
  env: envs,
  timeout: fc.oneof(fc.constantFrom('90s', '15m', '1h30m'), fc.integer({ min: 1, max: 9999 })),
  retries: fc.integer({ min: 0, max: 10 }),
  artifacts: words(),
  workdir: fc.constantFrom('/src', '/project/'),
  overrides: fc.dictionary(
    word,
    fc.record({ packages: words(), install_recommends: fc.boolean(), setup: word, env: envs }, { requiredKeys: [] }),
    { maxKeys: 2 },
  ),
  network: fc.constantFrom('none', 'host'),
  user: fc.constantFrom('root', 'tester'),
  resources: fc.record(
    {
      memory: fc.constantFrom('512m', '2g', 8 * 2 ** 20),
      cpus: fc.constantFrom(0.5, 2),
      pids: fc.integer({ min: 8, max: 4096 }),
    },
    { requiredKeys: [] },
  ),
};

/** Wrong types and wrong values: what a mutation puts in place of a field or of something inside it. */
const wrong: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.double(),
  fc.bigInt(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    0.5,
    1e300,
    '',
    ' ',
    '0',
    '0s',
    '-1s',
    '1e999',
    '4k',
    '1 k',
    ' 1\n',
    'a\nb',
    '\u0000',
    '..',
    '/..',
    '../x',
    '/',
    '${{ matrix.nope }}',
    '${{ distro',
    'ROOT',
    '9user',
    'distro',
    '__proto__',
    [],
    {},
    [[]],
    [{}],
    [null],
    ['a', 'a'],
    { distro: [] },
  ),
  fc.constantFrom(...Object.values(FITTING)).chain((arb) => arb),
);

/** Every path to a value inside `doc`, the document itself excluded. */
function pathsOf(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = [...path, Array.isArray(value) ? Number(k) : k];
    return [p, ...pathsOf(v, p)];
  });
}

function mutate(doc: Record<string, unknown>, mutations: Array<[number, unknown]>): Record<string, unknown> {
  for (const [pick, value] of mutations) {
    const paths = pathsOf(doc);
    if (paths.length === 0) break;
    const path = paths[pick % paths.length]!;
    let parent = doc as Record<string | number, unknown>;
    for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
    parent[path.at(-1)!] = structuredClone(value);
  }
  return doc;
}

/** (b) Documents shaped like a vmatrix.yml, with fields and things inside them made wrong, and unknown keys. */
const mutatedDoc = fc
  .tuple(
    fc.record(FITTING, { requiredKeys: [] }),
    fc.array(fc.tuple(fc.nat(), wrong), { minLength: 1, maxLength: 3 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 10 }), wrong, { maxKeys: 2 }),
  )
  .map(([fitting, mutations, unknown]) => mutate({ ...structuredClone(fitting), ...unknown }, mutations));

// --- what every outcome must look like -------------------------------------------------------------------

let written = 0;
async function load(text: string | Buffer): Promise<unknown> {
  const file = join(dir, `${written++}`, 'vmatrix.yml');
  await mkdir(join(file, '..'));
  await writeFile(file, text);
  return loadConfig(file).then(
    () => undefined,
    (e: unknown) => e,
  );
}

const LOCATED = /^(.*vmatrix\.yml):(\d+): (.*)$/;
// Raw in a message, these garble a terminal or break the one-problem-a-line format.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

/** A usage error, each of whose lines names the file and a line of it. */
function expectLocated(error: unknown, text: string): string[] {
  expect(error, String((error as Error).stack)).toBeInstanceOf(VmError);
  const e = error as VmError;
  expect(e.exit).toBe(2);
  const lines = text.split('\n').length;
  return e.message.split('\n').map((line) => {
    expect(line, 'control characters are shown escaped').not.toMatch(CONTROL);
    const m = LOCATED.exec(line);
    expect(m, `${line}\nin:\n${e.message}`).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThanOrEqual(1);
    expect(Number(m![2])).toBeLessThanOrEqual(lines);
    return m![3]!;
  });
}

describe('vmatrix.yml loaded in-process', TAGS, () => {
  it('random text and YAML token soup: a config or a located usage error', async () => {
    await fc.assert(
      fc.asyncProperty(randomText, async (text) => {
        const error = await load(text);
        if (error !== undefined) expectLocated(error, text);
      }),
      { numRuns: 300 },
    );
  });

  it('well-formed documents with wrong fields: a config or errors naming file, line and field', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDoc, async (doc) => {
        const text = stringify(doc);
        const error = await load(text);
        if (error === undefined) return;
        // As a message shows them: a key holding a control or line-separator character is escaped there.
        const keys = [...Object.keys(doc), 'distros', 'test'].map((k) => printable(formatPath([k])));
        for (const rest of expectLocated(error, text)) {
          expect(
            keys.some((k) => rest.startsWith(`${k}: `) || rest.startsWith(`${k}.`) || rest.startsWith(`${k}[`)),
            `${rest}\nin:\n${text}`,
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// Counterexamples the properties found, shrunk, and the nasty files they stand for.
describe('vmatrix.yml regressions', TAGS, () => {
  async function messageOf(text: string | Buffer): Promise<string> {
    const error = await load(text);
    expectLocated(error, String(text));
    return (error as VmError).message;
  }

  it('refuses a billion laughs, naming the first alias', async () => {
    expect(await messageOf(BILLION_LAUGHS)).toMatch(/vmatrix\.yml:2: the aliases \(\*a0\) expand to too many values$/);
  });

  it('refuses nesting deep enough to exhaust the stack, before yaml recurses into it', async () => {
    expect(await messageOf(`distros: [debian-12]\ntest:\n  ${'['.repeat(2000)}x${']'.repeat(2000)}\n`)).toMatch(
      /vmatrix\.yml:3: lists and mappings are nested more than 64 deep$/,
    );
    expect(await messageOf('- '.repeat(100_000))).toMatch(
      /vmatrix\.yml:1: lists and mappings are nested more than 64 deep$/,
    );
  });

  it('reads %YAML 1.1 files with the core schema: no merge keys to throw, no sets to pass for mappings', async () => {
    expect(await messageOf('%YAML 1.1\n---\ndistros: [d]\ntest: x\n<<: 5\n')).toMatch(
      /vmatrix\.yml:5: \["<<"\]: unknown key/,
    );
    expect(await messageOf('%YAML 1.1\n---\ndistros: [d]\ntest: x\nenv: !!omap [A: 1]\n')).toMatch(
      /vmatrix\.yml:5: env: expected a mapping$/,
    );
  });

  it('shows control characters of the file escaped, one problem a line', async () => {
    expect(await messageOf('>-\r')).toMatch(/vmatrix\.yml:1: Not a YAML token: \\u000d$/);
    const twice = 'distros: [d]\ntest:\n  - { name: "a\\nb", run: x }\n  - { name: "a\\nb", run: y }\n';
    expect(await messageOf(twice)).toMatch(
      /vmatrix\.yml:4: test\[1\]\.name: "a\\nb" is already the name of test\[0\]$/,
    );
    expect(await messageOf('distros: [d]\ntest: x\nresources: { memory: "\\n1 k\\n" }\n')).toMatch(
      /resources\.memory: 1k is too small for a cell/,
    );
  });

  it('escapes a line separator (U+2028) in a key as it does in a value', async () => {
    expect(await messageOf(stringify({ '\u2028': [] }))).toMatch(/vmatrix\.yml:1: \["\\u2028"\]: unknown key /);
  });

  it('calls a key that looks like a number a key, not a list index', async () => {
    expect(await messageOf('distros: [d]\ntest: x\nmatrix: { 1: 5 }\n')).toMatch(
      /vmatrix\.yml:3: matrix\["1"\]: expected a list$/m,
    );
  });

  it('lists the first 20 problems of a file that has thousands, and counts the rest', async () => {
    const error = (await load(Array.from({ length: 5000 }, (_, i) => `k${i}: 1`).join('\n'))) as VmError;
    expect(error.message.split('\n')).toHaveLength(20);
    expect(error.hint).toMatch(/^fix the lines above \(the first 20 of 5002 problems\);/);
  });

  it('names the line that is not UTF-8', async () => {
    const text = Buffer.concat([
      Buffer.from('distros: [d]\ntest: make '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\n'),
    ]);
    expect(await messageOf(text)).toMatch(/vmatrix\.yml:2: not UTF-8 text$/);
  });
});

describe('vmatrix.yml through the CLI', TAGS, () => {
  const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
  const SEED = Date.now() | 0;
  let store: string;
  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'vmx-hostile-config-store-'));
  });
  afterAll(async () => {
    await rm(store, { recursive: true, force: true });
  });

  /** A project directory whose vmatrix.yml `make` creates. */
  async function project(make: (file: string) => Promise<void>): Promise<string> {
    const cwd = await mkdtemp(join(dir, 'project-'));
    await make(join(cwd, 'vmatrix.yml'));
    return cwd;
  }
  const withText = (text: string | Buffer) => (file: string) => writeFile(file, text);

  function expectUsageError(r: CliResult, error: RegExp, what: string): void {
    expect(r.code, `${what}\n${r.stderr}`).toBe(2);
    expect(r.stderr, what).toMatch(/^error: /);
    expect(r.stderr.split('\n')[0], what).toMatch(error);
    expect(r.stderr, what).not.toMatch(/^\s+at /m);
    expect(r.stderr, what).not.toContain('node:internal');
  }

  /** At most `n` CLI runs at once: each is a node process of its own. */
  async function inBatches<T>(items: T[], n: number, run: (item: T) => Promise<void>): Promise<void> {
    for (let i = 0; i < items.length; i += n) await Promise.all(items.slice(i, i + n).map(run));
  }

  it('a sample of random and mutated files: exit 2, `error: vmatrix.yml:<line>: …`, no stack trace', async () => {
    const broken = fc
      .sample(
        fc.oneof(
          randomText,
          mutatedDoc.map((doc) => stringify(doc)),
        ),
        { seed: SEED, numRuns: 60 },
      )
      .filter((text) => validateConfig(text, 'vmatrix.yml').errors.length > 0)
      .slice(0, 15);
    await inBatches(
      broken.map((text, i) => ({ text, command: i % 2 ? 'matrix' : 'test' })),
      5,
      async ({ text, command }) => {
        const r = await runCli([command], { cwd: await project(withText(text)), env: { VMATRIX_HOME: store } });
        expectUsageError(r, /^error: vmatrix\.yml:\d+: \S/, `fc.sample seed ${SEED}, vmatrix ${command} on:\n${text}`);
      },
    );
  });

  const NASTY: Record<string, { make: (file: string) => Promise<void>; error: RegExp }> = {
    'a billion laughs': {
      make: withText(BILLION_LAUGHS),
      error: /^error: vmatrix\.yml:2: the aliases \(\*a0\) expand to too many values$/,
    },
    'lists nested 100 000 deep': {
      make: withText(`${'['.repeat(100_000)}\n`),
      error: /^error: vmatrix\.yml:1: lists and mappings are nested more than 64 deep$/,
    },
    'a 10 MB file': {
      make: withText(`distros:\n${'  - debian-12\n'.repeat(800_000)}test: make\n`),
      error: /^error: vmatrix\.yml is 10\.7 MB: a vmatrix\.yml is at most 256\.0 KB$/,
    },
    'invalid UTF-8': {
      make: withText(Buffer.from([...Buffer.from('distros: [debian-12]\ntest: '), 0xc3, 0x28, 0x0a])),
      error: /^error: vmatrix\.yml:2: not UTF-8 text$/,
    },
    'a directory named vmatrix.yml': {
      make: (file) => mkdir(file),
      error: /^error: cannot read vmatrix\.yml: it is a directory \(EISDIR\)$/,
    },
    'a loop of symbolic links': {
      make: async (file) => {
        await symlink('other.yml', file);
        await symlink('vmatrix.yml', join(file, '..', 'other.yml'));
      },
      error: /^error: cannot read vmatrix\.yml: a loop of symbolic links \(ELOOP\)$/,
    },
  };

  it.each(Object.entries(NASTY))(
    '%s: exit 2 from vmatrix test and vmatrix matrix, saying what is wrong',
    async (name, { make, error }) => {
      const cwd = await project(make);
      for (const command of ['test', 'matrix']) {
        expectUsageError(
          await runCli([command], { cwd, env: { VMATRIX_HOME: store } }),
          error,
          `${name}: vmatrix ${command}`,
        );
      }
    },
  );

  it('an unreadable file: exit 2, permission denied', async () => {
    // root reads any file, whatever its mode: then the CLI runs as nobody, in a project nobody can enter.
    const asRoot = process.getuid?.() === 0;
    const cwd = await mkdtemp(join(tmpdir(), 'vmx-hostile-config-unreadable-'));
    try {
      await writeFile(join(cwd, 'vmatrix.yml'), 'distros: [debian-12]\ntest: make\n', { mode: 0o000 });
      if (asRoot) await chmod(cwd, 0o777);
      const env = { ...process.env, NO_COLOR: '1', VMATRIX_HOME: join(cwd, 'home'), HOME: cwd };
      // spawnCapture hands its options to spawn, uid and gid included.
      const options = asRoot ? { cwd, env, uid: 65534, gid: 65534 } : { cwd, env };
      for (const command of ['test', 'matrix']) {
        const r = await spawnCapture(process.execPath, [BIN, command], options);
        expectUsageError(r, /^error: cannot read vmatrix\.yml: permission denied \(EACCES\)$/, `vmatrix ${command}`);
      }
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
