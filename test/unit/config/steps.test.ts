import { describe, expect, it } from 'vitest';
import { parseConfig, validateConfig } from '../../../src/config/load.js';
import { stepName } from '../../../src/config/steps.js';

const errors = (text: string): string[] => validateConfig(text, 'vmatrix.yml').errors;

describe('test: as named steps', () => {
  it('gives every step a name: its own, or its command', () => {
    const config = parseConfig(
      [
        'distros: [d]',
        'test:',
        '  - make',
        '  - name: unit tests',
        '    run: make check',
        '    timeout: 90s',
        '  - { name: lint, run: make lint, timeout: 30 }',
      ].join('\n'),
      'vmatrix.yml',
    );
    expect(config.test).toEqual([
      { name: 'make', run: 'make' },
      { name: 'unit tests', run: 'make check', timeout: 90_000 },
      { name: 'lint', run: 'make lint', timeout: 30_000 },
    ]);
  });

  it('keeps one command as one step', () => {
    expect(parseConfig('distros: [d]\ntest: make test\n', 'vmatrix.yml').test).toEqual([
      { name: 'make test', run: 'make test' },
    ]);
  });

  it('names an unnamed multi-line or long command by its first line, shortened', () => {
    expect(stepName('  set -e\n  make\n')).toBe('set -e');
    const long = `./configure ${'--with-something '.repeat(6)}`;
    expect(stepName(long)).toHaveLength(60);
    expect(stepName(long).endsWith('…')).toBe(true);
  });

  it('names file, line and field of a step that is not one', () => {
    expect(
      errors(
        [
          'distros: [d]', //                                      1
          'test:', //                                             2
          '  - 42', //                                            3
          '  - name: no command', //                              4
          '  - run: no name', //                                  5
          '  - { name: x, run: y, timeout: 5x, retry: 1 }', //    6
          '  - ""', //                                            7
          '  - { name: z, run: y, timeout: 0 }', //               8
        ].join('\n'),
      ),
    ).toEqual([
      'vmatrix.yml:3: test[0]: expected a string or a mapping',
      'vmatrix.yml:4: test[1].run: required key is missing',
      'vmatrix.yml:5: test[2].name: required key is missing',
      'vmatrix.yml:6: test[3].retry: unknown key (expected one of: name, run, timeout)',
      'vmatrix.yml:6: test[3].timeout: expected a duration like 90s, 15m or 1h30m',
      'vmatrix.yml:7: test[4]: must not be empty',
      'vmatrix.yml:8: test[5].timeout: expected a positive number of seconds',
    ]);
  });

  it('refuses two steps of the same name, pointing at the second', () => {
    expect(errors('distros: [d]\ntest:\n  - { name: unit, run: a }\n  - b\n  - name: unit\n    run: c\n')).toEqual([
      'vmatrix.yml:5: test[2].name: "unit" is already the name of test[0]',
    ]);
  });

  it('checks the placeholders of a named step where they are written', () => {
    expect(
      errors('distros: [d]\nmatrix: { cc: [gcc] }\ntest:\n  - name: build\n    run: make CC=${{ matrix.c }}\n'),
    ).toEqual(['vmatrix.yml:5: test[0].run: unknown axis "c" in ${{ matrix.c }} (did you mean "cc"?)']);
  });
});

describe('retries: and artifacts:', () => {
  it('default to no retries and no artifacts, and read what is written', () => {
    expect(parseConfig('distros: [d]\ntest: x\n', 'vmatrix.yml')).toMatchObject({ retries: 0, artifacts: [] });
    expect(
      parseConfig('distros: [d]\ntest: x\nretries: 2\nartifacts: [build/*.xml, /var/log/app.log]\n', 'vmatrix.yml'),
    ).toMatchObject({ retries: 2, artifacts: ['build/*.xml', '/var/log/app.log'] });
  });

  it('name the line of a retry count out of range and of a bad artifact list', () => {
    expect(errors('distros: [d]\ntest: x\nretries: 11\nartifacts: [a, "", a]\n')).toEqual([
      'vmatrix.yml:3: retries: expected a whole number from 0 to 10',
      'vmatrix.yml:4: artifacts[1]: must not be empty',
      'vmatrix.yml:4: artifacts[2]: "a" is listed twice',
    ]);
    expect(errors('distros: [d]\ntest: x\nretries: 1.5\nartifacts: build\n')).toEqual([
      'vmatrix.yml:3: retries: expected a whole number',
      'vmatrix.yml:4: artifacts: expected a list',
    ]);
  });

  it('checks placeholders in artifacts', () => {
    expect(errors('distros: [d]\ntest: x\nartifacts: ["out-${{ matrix.cc }}/*.log"]\n')).toEqual([
      'vmatrix.yml:3: artifacts[0]: unknown axis "cc" in ${{ matrix.cc }} (the matrix has no axes)',
    ]);
  });
});
