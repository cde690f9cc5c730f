import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { exists } from '../util/fs.js';
import { usageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import { displayPath } from './yaml-source.js';

// `vmatrix init`: a commented starter vmatrix.yml from templates/init/<kind>.yml, the kind guessed from
// the files a project of that kind has, with a first line that points editors at the JSON schema.

export const PROJECT_KINDS = ['c-cmake', 'c-meson', 'node', 'python', 'go', 'rust', 'make', 'generic'] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];

/** In order: a CMake or Rust project often has a Makefile or package.json too, never the other way round. */
const MARKERS: Array<[ProjectKind, string[]]> = [
  ['c-cmake', ['CMakeLists.txt']],
  ['c-meson', ['meson.build']],
  ['rust', ['Cargo.toml']],
  ['go', ['go.mod']],
  ['node', ['package.json']],
  ['python', ['pyproject.toml', 'setup.py', 'requirements.txt']],
  ['make', ['Makefile', 'GNUmakefile', 'makefile']],
];

/** The kind of the project in `dir`, and the file that told; `generic` when none does. */
export async function detectKind(dir: string): Promise<{ kind: ProjectKind; marker?: string }> {
  for (const [kind, files] of MARKERS) {
    for (const file of files) if (await exists(join(dir, file))) return { kind, marker: file };
  }
  return { kind: 'generic' };
}

/**
 * How the config refers to the schema: relative when vmatrix is installed inside the project
 * (node_modules), so the line works on every checkout; else the installed file's absolute path.
 */
export function schemaRef(projectDir: string, schema = join(packageRoot(), 'schema', 'vmatrix.schema.json')): string {
  const rel = relative(resolve(projectDir), schema);
  return rel.startsWith('..') || isAbsolute(rel) ? schema : rel;
}

/** The starter config of `kind`, with its schema line. */
export async function starterConfig(kind: ProjectKind, projectDir: string): Promise<string> {
  const template = await readFile(join(packageRoot(), 'templates', 'init', `${kind}.yml`), 'utf8');
  return `# yaml-language-server: $schema=${schemaRef(projectDir)}\n${template}`;
}

export interface InitResult {
  file: string;
  kind: ProjectKind;
  marker?: string;
  /** The starter gives test steps the host's network, which `vmatrix test` takes only with --allow-host-network. */
  hostNetwork: boolean;
}

/** Writes `<dir>/vmatrix.yml`; an existing one is an error unless `force`. */
export async function initConfig(
  dir: string,
  options: { kind?: ProjectKind; force?: boolean } = {},
): Promise<InitResult> {
  const file = join(dir, 'vmatrix.yml');
  const detected = options.kind ? { kind: options.kind } : await detectKind(dir);
  const text = await starterConfig(detected.kind, dir);
  try {
    await writeFile(file, text, { flag: options.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    throw usageError('CONFIG_EXISTS', `${displayPath(file)} already exists`, {
      hint: 'pass --force to replace it with a starter config',
      cause: e,
    });
  }
  return { file, ...detected, hostNetwork: /^network: host\b/m.test(text) };
}
