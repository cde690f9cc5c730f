import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// The configs the README and docs/ show, read from the files themselves, so that documentation that drifts
// from what works fails the real-world suite: the README quick start's heredoc is a whole vmatrix.yml, and
// every indented block of README.md or docs/*.md whose keys are all vmatrix.yml keys is a fragment of one.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type Yaml = Record<string, unknown>;

function readme(): Promise<string> {
  return readFile(join(ROOT, 'README.md'), 'utf8');
}

/** README.md, then every docs/*.md in name order: all the Markdown a user reads. */
async function documents(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(['README.md', ...docs.map((f) => join('docs', f))].map((f) => readFile(join(ROOT, f), 'utf8')));
}

async function configKeys(): Promise<Set<string>> {
  const schema = JSON.parse(await readFile(join(ROOT, 'schema/vmatrix.schema.json'), 'utf8')) as { properties: Yaml };
  return new Set(Object.keys(schema.properties));
}

function dedent(lines: string[]): string {
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** The quick start's vmatrix.yml: the text between `cat > vmatrix.yml <<'YAML'` and `YAML`. */
export async function quickStart(): Promise<string> {
  const m = /cat > vmatrix\.yml <<'YAML'\n([\s\S]*?)\n[ \t]*YAML\n/.exec(await readme());
  if (!m) throw new Error("README.md has no quick-start heredoc (cat > vmatrix.yml <<'YAML' … YAML)");
  return dedent(m[1]!.split('\n'));
}

/** The indented blocks (code blocks) of one Markdown text, each as its lines. */
function indentedBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  let block: string[] | undefined;
  let previousBlank = true;
  for (const line of text.split('\n')) {
    const code = line.startsWith('    ') || (block !== undefined && line.trim() === '');
    if (code && (block || previousBlank)) (block ??= []).push(line);
    else if (block) {
      blocks.push(block);
      block = undefined;
    }
    previousBlank = line.trim() === '';
  }
  if (block) blocks.push(block);
  return blocks;
}

/** Every indented block of README.md and docs/*.md that is a YAML mapping of vmatrix.yml keys only. */
export async function documentedFragments(): Promise<Yaml[]> {
  const keys = await configKeys();
  const fragments: Yaml[] = [];
  for (const b of (await documents()).flatMap(indentedBlocks)) {
    let value: unknown;
    try {
      value = parse(dedent(b));
    } catch {
      continue;
    } // shell examples, tables of commands
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).every((k) => keys.has(k))) {
      fragments.push(value as Yaml);
    }
  }
  return fragments;
}

/** The `distros:` a config names. */
export function distrosOf(text: string): string[] {
  return (parse(text) as { distros: string[] }).distros;
}

function replaceLine(text: string, key: string, value: string): string {
  const out = text.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);
  if (out === text) throw new Error(`the config has no one-line ${key}: to replace`);
  return out;
}

/** The same config with only its `distros:` line replaced: what a newcomer edits first. */
export function withDistros(text: string, distros: string[]): string {
  return replaceLine(text, 'distros', `[${distros.join(', ')}]`);
}

/** The same config with only its one-line `test:` replaced (the generic starter's placeholder). */
export function withTest(text: string, command: string): string {
  return replaceLine(text, 'test', command);
}
