import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The docs cite files of the repo (the module that does a thing, the test that proves a guarantee): a
// file that moves must take its citations with it.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => join('docs', f))];
// Written by a run, not kept in the repo.
const GENERATED = new Set(['test/bench/results.json']);

describe('paths the docs cite', () => {
  it('exist in the repo', () => {
    const missing: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const [, path] of text.matchAll(/`((?:src|test|scripts|templates|distros|schema|docs)\/[\w./-]+)`/g)) {
        if (!GENERATED.has(path) && !existsSync(join(root, path))) missing.push(`${doc}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
