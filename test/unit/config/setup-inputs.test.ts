import { describe, expect, it } from 'vitest';
import { parseConfig, validateConfig } from '../../../src/config/load.js';

// setup_inputs: globs of project files, relative to the project root; nothing outside it can be named.

const config = (inputs: string): string => `distros: [debian-12]\ntest: make\nsetup_inputs: ${inputs}\n`;

describe('setup_inputs', () => {
  it('is a list of globs, kept as written', () => {
    expect(
      parseConfig(config("[requirements.txt, 'ci/*.sh', '**/*.lock', 'a..b.txt']"), 'vmatrix.yml').setupInputs,
    ).toEqual(['requirements.txt', 'ci/*.sh', '**/*.lock', 'a..b.txt']);
    expect(parseConfig('distros: [debian-12]\ntest: make\n', 'vmatrix.yml').setupInputs).toEqual([]);
  });

  it.each([
    ['/etc/passwd', 0],
    ['../secrets.txt', 0],
    ['ci/../../x', 0],
    ['..', 0],
  ])('rejects %s, which would reach outside the project', (glob, index) => {
    expect(validateConfig(config(`["${glob}"]`), 'vmatrix.yml').errors).toEqual([
      `vmatrix.yml:3: setup_inputs[${index}]: expected a glob relative to the project root, like ci/*.sh (no leading / and no ..)`,
    ]);
  });

  it('wants a list of non-empty strings, each once', () => {
    expect(validateConfig(config('requirements.txt'), 'vmatrix.yml').errors).toEqual([
      'vmatrix.yml:3: setup_inputs: expected a list',
    ]);
    expect(validateConfig(config('[a, a]'), 'vmatrix.yml').errors).toEqual([
      'vmatrix.yml:3: setup_inputs[1]: "a" is listed twice',
    ]);
    expect(validateConfig(config('[""]'), 'vmatrix.yml').errors).toEqual([
      'vmatrix.yml:3: setup_inputs[0]: must not be empty',
    ]);
  });
});
