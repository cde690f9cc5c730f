import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { axisNames, checkPlaceholders, substitute } from '../../../src/config/placeholders.js';
import type { Config } from '../../../src/config/types.js';
import { VmError } from '../../../src/util/errors.js';

const ctx = { distro: 'debian-12', arch: 's390x', matrix: { cc: 'gcc', build: 'debug' } };

function caught(fn: () => unknown): VmError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('substitute', () => {
  it('replaces matrix axes and the distro, with or without spaces inside the braces', () => {
    expect(substitute('make CC=${{ matrix.cc }} B=${{matrix.build}} on ${{   distro }}', ctx)).toBe(
      'make CC=gcc B=debug on debian-12',
    );
  });

  it('accepts matrix.distro for the distro', () => {
    expect(substitute('${{ matrix.distro }}', ctx)).toBe('debian-12');
  });

  it("replaces ${{ arch }} and ${{ matrix.arch }} with the cell's arch", () => {
    expect(substitute('gcc-${{ arch }} ${{matrix.arch}}', ctx)).toBe('gcc-s390x s390x');
  });

  it('leaves text without placeholders alone, including a lone $ and ${VAR}', () => {
    expect(substitute('echo $HOME ${PATH} $$', ctx)).toBe('echo $HOME ${PATH} $$');
  });

  it('throws on an axis the cell does not have', () => {
    const e = caught(() => substitute('x ${{ matrix.nope }}', ctx));
    expect(e.code).toBe('UNKNOWN_PLACEHOLDER');
    expect(e.message).toBe('x ${{ matrix.nope }}: ${{ matrix.nope }} names no axis of this cell');
  });

  it('gives an empty string for a known axis the cell lacks, as GitHub does', () => {
    expect(substitute('[${{ matrix.asan }}]', { ...ctx, known: ['cc', 'build', 'asan'] })).toBe('[]');
  });

  it('throws on something that is no placeholder', () => {
    expect(caught(() => substitute('${{ env.HOME }}', ctx)).message).toBe(
      '${{ env.HOME }}: unknown placeholder ${{ env.HOME }}: use ${{ distro }}, ${{ arch }} or ${{ matrix.<axis> }}',
    );
  });
});

describe('placeholders at load time', () => {
  it('accepts axes of the matrix and keys added by include', () => {
    const config = parseConfig(
      'distros: [d]\nmatrix: { cc: [gcc] }\ninclude: [{ distro: d, san: asan }]\ntest: make ${{ matrix.cc }} ${{ matrix.san }} ${{ distro }}\n',
      'vmatrix.yml',
    );
    expect(axisNames(config)).toEqual(['cc', 'san']);
  });

  it('reports unknown axes with file, line, field and a suggestion', () => {
    const text = [
      'distros: [d]', //                                  1
      'matrix: { cc: [gcc] }', //                         2
      'packages: [make, "${{ matrix.c }}"]', //           3
      'setup: echo ${{ matrix.zzzzzz }}', //              4
      'test:', //                                         5
      '  - make', //                                      6
      '  - make CC=${{ matrix.ccc }}', //                 7
      'env: { X: "${{ matrix.cc }", Y: "${{ foo }}" }', //  8
    ].join('\n');
    const e = caught(() => parseConfig(text, 'vmatrix.yml'));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message.split('\n')).toEqual([
      'vmatrix.yml:3: packages[1]: unknown axis "c" in ${{ matrix.c }} (did you mean "cc"?)',
      'vmatrix.yml:4: setup: unknown axis "zzzzzz" in ${{ matrix.zzzzzz }} (axes: cc)',
      'vmatrix.yml:7: test[1]: unknown axis "ccc" in ${{ matrix.ccc }} (did you mean "cc"?)',
      'vmatrix.yml:8: env.X: a placeholder is not closed: write ${{ matrix.<axis> }}',
      'vmatrix.yml:8: env.Y: unknown placeholder ${{ foo }}: use ${{ distro }}, ${{ arch }} or ${{ matrix.<axis> }}',
    ]);
  });

  it('says so when the matrix has no axes at all', () => {
    expect(caught(() => parseConfig('distros: [d]\ntest: echo ${{ matrix.cc }}\n', 'vmatrix.yml')).message).toBe(
      'vmatrix.yml:2: test: unknown axis "cc" in ${{ matrix.cc }} (the matrix has no axes)',
    );
  });

  it('checkPlaceholders checks a config built in code', () => {
    const config: Config = {
      file: 'vmatrix.yml',
      distros: ['d'],
      arch: [],
      matrix: { cc: ['gcc'] },
      include: [],
      exclude: [],
      packages: [],
      installRecommends: true,
      setup: [],
      setupInputs: [],
      catalog: [],
      test: [
        { name: 'ok', run: 'ok ${{ matrix.cc }}' },
        { name: 'bad', run: 'bad ${{ matrix.cx }}' },
      ],
      env: {},
      workdir: '/src',
      network: 'none',
      user: 'root',
      resources: {},
      overrides: [],
      retries: 0,
      artifacts: [],
      boot: false,
      bootTimeout: 60_000,
      services: [],
    };
    const e = caught(() => checkPlaceholders(config));
    expect(e.message).toBe('vmatrix.yml: test[1].run: unknown axis "cx" in ${{ matrix.cx }} (did you mean "cc"?)');
    expect(() => checkPlaceholders({ ...config, test: [{ name: 'ok', run: 'ok' }] })).not.toThrow();
  });
});
