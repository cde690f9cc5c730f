import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { distrosOf, documentedFragments, quickStart, type Yaml } from './examples.js';

// The readers of the documented configs, without running them: the real-world suite runs what they find
// (40 minutes), so a README or docs/ edit that hides an example from them must fail here, at once.

describe('the configs the README and docs/ show', () => {
  it("the README's quick start is a whole vmatrix.yml: three Debian releases × two builds", async () => {
    const quick = await quickStart();
    expect(distrosOf(quick)).toEqual(['debian-11', 'debian-12', 'debian-13']);
    expect(parse(quick) as Yaml).toMatchObject({
      matrix: { build: ['Debug', 'Release'] },
      packages: ['cmake', 'gcc', 'make'],
    });
  });

  it('finds the fragments of test steps and artifacts that docs/config.md shows', async () => {
    const fragments = await documentedFragments();
    const test = fragments.find((f) => 'test' in f);
    const artifacts = fragments.find((f) => 'artifacts' in f);
    expect(test?.test).toContainEqual({
      name: 'unit tests',
      run: 'cd build && ctest --output-on-failure',
      timeout: '5m',
    });
    expect(artifacts?.artifacts).toEqual(['build/test-results/**/*.xml', 'build/logs', '/var/log/myapp/*.log']);
  });
});
