import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchema, precompiled } from '../../../src/config/schema-check.js';
import { packageRoot } from '../../../src/util/package-root.js';

// `npm run build` writes ajv's standalone code for each schema (scripts/schema-validators.mjs): it must
// judge every document exactly as the schema compiled at run time does, and never outlive its schema.

const SCHEMAS = ['vmatrix.schema.json', 'distro.schema.json'];
const text = (file: string) => readFileSync(join(packageRoot(), 'schema', file), 'utf8');
const errorsOf = (validate: ReturnType<typeof compileSchema>, data: unknown) => {
  validate(data);
  return (validate.errors ?? []).map(({ keyword, instancePath, params, message, parentSchema }) => {
    const custom = parentSchema as { errorMessage?: string; patternErrorMessage?: string } | undefined;
    return { keyword, instancePath, params, message, custom: [custom?.errorMessage, custom?.patternErrorMessage] };
  });
};

// Documents near the real shape, so that the deep parts of the schema are reached, and anything at all.
const key = fc.constantFrom(
  'distros',
  'matrix',
  'include',
  'exclude',
  'packages',
  'setup',
  'test',
  'env',
  'timeout',
  'retries',
  'resources',
  'user',
  'network',
  'workdir',
  'name',
  'family',
  'releases',
  'sources',
  'packageManager',
  'other',
);
const document = fc.oneof(fc.dictionary(key, fc.anything({ maxDepth: 3 })), fc.anything());

describe('the precompiled schema validators', () => {
  for (const file of SCHEMAS) {
    it(`${file}: the build wrote one for the schema as it is now (run npm run build if not)`, () => {
      expect(precompiled(file, text(file))).toBeTypeOf('function');
    });

    it(`${file}: gives the same errors as the schema compiled at run time, for any document`, () => {
      const built = precompiled(file, text(file))!;
      const compiled = compileSchema(text(file));
      fc.assert(
        fc.property(document, (data) => {
          expect(errorsOf(built, data)).toEqual(errorsOf(compiled, data));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('is not used once the schema text changes', () => {
    expect(precompiled('vmatrix.schema.json', `${text('vmatrix.schema.json')}\n`)).toBeUndefined();
    expect(precompiled('no-such.schema.json', '{}')).toBeUndefined();
  });
});
