import { describe, expect, it } from 'vitest';
import { parseConfig, validateConfig } from '../../../src/config/load.js';
import { VmError } from '../../../src/util/errors.js';

/** The error parseConfig throws for `text`, read as `vmatrix.yml` in the cwd. */
function configError(text: string): VmError {
  try {
    parseConfig(text, 'vmatrix.yml');
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('config validation messages', () => {
  it('names file, line and field: a scalar where a list belongs', () => {
    const e = configError('distros: [debian-12]\ntest: make\nmatrix:\n  build: debug\n');
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.exit).toBe(2);
    expect(e.message).toBe('vmatrix.yml:4: matrix.build: expected a list');
    expect(e.hint).toContain('schema/vmatrix.schema.json');
  });

  it('collects every problem, one per line, in file order', () => {
    const e = configError(
      [
        'distros: [debian-12, debian-12]', // 1
        'matrix:', //                          2
        '  distro: [a]', //                    3
        '  "3x": [1]', //                      4
        'tets: make', //                       5
        'env:', //                             6
        '  "a b": 1', //                       7
        '  B: ~', //                           8
        'timeout: 15x', //                     9
        'network: wifi', //                    10
        'workdir: src', //                     11
        'include:', //                         12
        '  - {}', //                           13
      ].join('\n'),
    );
    expect(e.message.split('\n')).toEqual([
      'vmatrix.yml:1: test: required key is missing',
      'vmatrix.yml:1: distros[1]: "debian-12" is listed twice',
      'vmatrix.yml:3: matrix.distro: distros have their own top-level key: list them under `distros`, not in matrix',
      'vmatrix.yml:4: matrix["3x"]: an axis name is letters, digits, _ and -, starting with a letter or _',
      'vmatrix.yml:5: tets: unknown key (did you mean "test"?)',
      'vmatrix.yml:7: env["a b"]: an environment variable name is letters, digits and _, not starting with a digit',
      'vmatrix.yml:8: env.B: expected a string, a number or true/false',
      'vmatrix.yml:9: timeout: expected a duration like 90s, 15m or 1h30m',
      'vmatrix.yml:10: network: expected one of: none, host',
      'vmatrix.yml:11: workdir: expected an absolute path below /, like /src',
      'vmatrix.yml:13: include[0]: must not be empty',
    ]);
  });

  it('lists the keys when an unknown key resembles none of them', () => {
    expect(configError('distros: [d]\ntest: x\nzzzzzzzz: 1\n').message).toBe(
      'vmatrix.yml:3: zzzzzzzz: unknown key (expected one of: distros, arch, matrix, include, exclude, packages, install_recommends, setup, catalog, setup_inputs, test, env, timeout, retries, artifacts, workdir, overrides, boot, boot_timeout, services, network, user, resources)',
    );
  });

  it('points at the list item that is wrong', () => {
    const e = configError(
      'distros:\n  - debian-12\n  - [nested]\ntest: x\ninclude:\n  - distro: debian-12\n    cc: [gcc]\n',
    );
    expect(e.message.split('\n')).toEqual([
      'vmatrix.yml:3: distros[1]: expected a string',
      'vmatrix.yml:7: include[0].cc: expected a string, a number or true/false',
    ]);
  });

  it('rejects an empty test list and a non-positive timeout', () => {
    expect(configError('distros: [d]\ntest: []\ntimeout: 0\n').message.split('\n')).toEqual([
      'vmatrix.yml:2: test: must not be empty',
      'vmatrix.yml:3: timeout: expected a positive number of seconds',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const e = configError('test: x\ndistros: [a\n');
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^vmatrix\.yml:\d+: /);
    expect(e.message).toContain('Flow sequence');
  });

  it('reports a duplicate key as a syntax error on its line', () => {
    expect(configError('distros: [d]\ntest: a\ntest: b\n').message).toBe(
      'vmatrix.yml:3: "test" is given twice in this mapping (first on line 2)',
    );
    expect(configError('distros: [d]\ntest: a\nenv:\n  A: 1\n  B: 2\n  A: 3\n').message).toBe(
      'vmatrix.yml:6: "A" is given twice in this mapping (first on line 4)',
    );
  });

  it('says what an empty file lacks', () => {
    expect(configError('# nothing yet\n').message).toBe(
      'vmatrix.yml:1: the file is empty: it needs at least `distros` and `test`',
    );
  });

  it('rejects a file that is a list, not a mapping', () => {
    expect(configError('- a\n').message).toBe('vmatrix.yml:1: expected a mapping');
  });

  it('validateConfig returns the same lines instead of throwing', () => {
    expect(validateConfig('distros: [d]\n', 'vmatrix.yml')).toEqual({
      errors: ['vmatrix.yml:1: test: required key is missing'],
    });
    expect(validateConfig('distros: [d]\ntest: x\n', 'vmatrix.yml').errors).toEqual([]);
  });

  it('names the line of a memory limit too small for a cell, and of a user name that is not one', () => {
    expect(configError('distros: [d]\ntest: x\nresources:\n  memory: 1k\n').message).toContain(
      'vmatrix.yml:4: resources.memory: 1k is too small for a cell',
    );
    expect(configError('distros: [d]\ntest: x\nuser: Bad User\n').message).toContain(
      'vmatrix.yml:3: user: expected a user name',
    );
  });

  it('refuses a NUL character anywhere, which would cut a command or a name short', () => {
    expect(configError('distros: [d]\ntest:\n  - make\n  - "make \\0check"\n').message).toBe(
      'vmatrix.yml:4: test[1]: holds a NUL character ("\\0"), which no command, name or path can',
    );
    expect(configError('distros: [d]\ntest: x\nsetup: "echo \\0"\n').message).toContain(
      'vmatrix.yml:3: setup: holds a NUL character',
    );
  });

  it('refuses a time limit of zero written as a string (the pattern lets "0s" through), for the cell and for a step', () => {
    expect(configError('distros: [d]\ntest: x\ntimeout: "0s"\n').message).toContain(
      'vmatrix.yml:3: timeout: "0s" is no time at all',
    );
    expect(configError('distros: [d]\ntest:\n  - x\n  - { name: b, run: y, timeout: 0m }\n').message).toContain(
      'vmatrix.yml:4: test[1].timeout: "0m" is no time at all',
    );
    expect(validateConfig('distros: [d]\ntest: x\ntimeout: "0.5s"\n', 'vmatrix.yml').errors).toEqual([]);
  });
});

describe('arch in vmatrix.yml', () => {
  it('takes one arch or a list, as Debian spells them', () => {
    expect(parseConfig('distros: [debian-12]\narch: s390x\ntest: make\n', 'vmatrix.yml').arch).toEqual(['s390x']);
    expect(parseConfig('distros: [d]\narch: [amd64, i386]\ntest: make\n', 'vmatrix.yml').arch).toEqual([
      'amd64',
      'i386',
    ]);
  });

  it("names the line of an arch spelt the kernel's way, of an unknown one, and of one in exclude", () => {
    const e = configError(
      [
        'distros: [debian-12]', //        1
        'arch:', //                       2
        '  - amd64', //                   3
        '  - aarch64', //                 4
        '  - sparc', //                   5
        'exclude:', //                    6
        '  - { arch: x86_64 }', //        7
        'test: make', //                  8
      ].join('\n'),
    );
    expect(e.message.split('\n')).toEqual([
      'vmatrix.yml:4: arch[1]: "aarch64" is arm64 in Debian\'s spelling, which vmatrix uses: write arm64',
      'vmatrix.yml:5: arch[2]: "sparc" is no architecture vmatrix knows (it knows amd64, i386, arm64, armhf, ppc64el, s390x, riscv64)',
      'vmatrix.yml:7: exclude[0].arch: "x86_64" is amd64 in Debian\'s spelling, which vmatrix uses: write amd64',
    ]);
  });

  it('refuses arch as an axis of matrix:, pointing at the top-level key', () => {
    const e = configError('distros: [d]\nmatrix:\n  arch: [amd64]\ntest: make\n');
    expect(e.message).toBe(
      'vmatrix.yml:3: matrix.arch: arch has its own top-level key: list the architectures under `arch`, not in matrix',
    );
  });
});
