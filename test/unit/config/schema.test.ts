import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/util/package-root.js';

// Editors complete vmatrix.yml from this schema, so it must be valid draft-07 and describe every key.
describe('schema/vmatrix.schema.json', () => {
  it('is a valid draft-07 schema with a description for every top-level key', async () => {
    const schema = JSON.parse(await readFile(`${packageRoot()}/schema/vmatrix.schema.json`, 'utf8')) as {
      $schema: string;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(schema)).toBe(true);
    const undocumented = Object.entries(schema.properties)
      .filter(([, p]) => !p.description)
      .map(([k]) => k);
    expect(undocumented).toEqual([]);
    expect(Object.keys(schema.properties).sort()).toEqual([
      'arch',
      'artifacts',
      'boot',
      'boot_timeout',
      'catalog',
      'distros',
      'env',
      'exclude',
      'include',
      'install_recommends',
      'matrix',
      'network',
      'overrides',
      'packages',
      'resources',
      'retries',
      'services',
      'setup',
      'setup_inputs',
      'test',
      'timeout',
      'user',
      'workdir',
    ]);
  });
});
