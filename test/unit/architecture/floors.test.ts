import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/architecture.md is the truth about the shape of src/: its floors table says which folder may import
// which, its owners table which folder alone may use each outside library. This test holds the code to it.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const src = join(root, 'src');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

/** `| 3 | \`images/\` | …` rows of the floors table. */
function floors(): Map<string, number> {
  const rows = [...doc.matchAll(/^\| (\d+) \| `([a-z-]+)\/` \|/gm)];
  return new Map(rows.map((m) => [m[2], Number(m[1])]));
}

/** `| \`undici\` | \`images/\` | …` rows of the owners table: package names only. */
function owners(): Map<string, string> {
  const rows = [...doc.matchAll(/^\| `([@a-z0-9/-]+)`(?:, [^|]*)? \| `([a-z-]+)\/` \|/gm)];
  return new Map(rows.map((m) => [m[1], m[2]]));
}

function sourceFiles(dir = src): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const folderOf = (file: string): string => relative(src, file).split('/')[0];

/** Every import of a file: relative ones resolved to .ts paths, packages as named. */
function importsOf(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom '([^']+)'/g)].map((m) => m[1]);
  specs.push(...[...text.matchAll(/\bimport\('([^']+)'\)/g)].map((m) => m[1]));
  const local = specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
  const packages = specs
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
  return { local, packages };
}

const files = sourceFiles();

describe('the floors of docs/architecture.md', () => {
  it('lists every folder of src/, and every folder opens with a comment saying what it owns', () => {
    const table = floors();
    const folders = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory());
    expect(folders.filter((f) => !table.has(f))).toEqual([]);
    expect([...table.keys()].filter((f) => !folders.includes(f))).toEqual([]);
    const silent = folders.filter((f) => {
      const index = join(src, f, 'index.ts');
      const first = files.includes(index)
        ? readFileSync(index, 'utf8')
        : readFileSync(files.filter((p) => folderOf(p) === f).sort()[0], 'utf8');
      return !first.startsWith('//');
    });
    expect(silent).toEqual([]);
  });

  it('no file imports a folder on its own floor or above', () => {
    const table = floors();
    const wrong: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const target of importsOf(file).local) {
        const to = folderOf(target);
        if (to !== from && !(table.get(to)! < table.get(from)!))
          wrong.push(`${relative(src, file)} → ${relative(src, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the imports between files have no cycle', () => {
    const edges = new Map(files.map((f) => [f, importsOf(f).local.filter((t) => files.includes(t))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((p) => relative(src, p)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file)!) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('each outside library is imported by its one owner only', () => {
    const table = owners();
    expect(table.size).toBeGreaterThanOrEqual(6);
    const wrong: string[] = [];
    for (const file of files) {
      for (const pkg of importsOf(file).packages) {
        const owner = table.get(pkg);
        if (owner !== undefined && owner !== folderOf(file)) wrong.push(`${relative(src, file)} imports ${pkg}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('only vps/ runs the OCI runtime binary', () => {
    const outside = files.filter((f) => folderOf(f) !== 'vps' && /\bruntime\.path\b/.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => relative(src, f))).toEqual([]);
  });
});
