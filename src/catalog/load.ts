import { isUtf8 } from 'node:buffer';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { usageError } from '../util/errors.js';
import { isInside, readRegular } from '../util/host-fs.js';
import { packageRoot } from '../util/package-root.js';
import { layeredCatalog, layerIssues } from './catalog.js';
import { eolIssues, parseCatalogFile, sourceIssues, type ParsedEntry } from './parse.js';
import { parseCache, parseCatalogFileCached } from './parsed-cache.js';
import type { Catalog } from './types.js';

/** The built-in catalog, then the directories of `$VMATRIX_CATALOG` (colon-separated), which override it. */
export function catalogDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const user = (env.VMATRIX_CATALOG ?? '')
    .split(':')
    .filter(Boolean)
    .map((d) => resolve(d));
  return [join(packageRoot(), 'distros'), ...user];
}

async function yamlFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => join(dir, n));
  } catch (e) {
    throw usageError(
      'CATALOG_NOT_FOUND',
      `catalog directory ${dir} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      {
        hint: 'check the directories listed in $VMATRIX_CATALOG',
        cause: e,
      },
    );
  }
}

/** The `catalog:` of a project's vmatrix.yml: paths relative to `root`, each a directory of *.yml or one file. */
export interface ProjectCatalog {
  root: string;
  paths: string[];
}

/** A project catalog file is at most this: the built-in debian.yml is 3 KiB. */
const MAX_FILE = 1024 * 1024;

/**
 * The files a project's `catalog:` names, read as the project's vmatrix.yml is: nothing outside the
 * project (a link that leads out is refused), only regular files, no file in a directory followed
 * through a link, and nothing huge.
 */
async function projectFiles(root: string, path: string): Promise<Array<{ file: string; text: string }>> {
  const shown = `catalog: ${path}`;
  const abs = resolve(root, path);
  const real = await realpath(abs).catch(() => undefined);
  if (real === undefined)
    throw usageError('CATALOG_NOT_FOUND', `${shown}: ${abs} does not exist`, {
      hint: 'give a directory of distro files (*.yml) or one such file, relative to the project root',
    });
  if (!isInside(await realpath(root), real))
    throw usageError('UNSAFE_PROJECT_PATH', `${shown}: ${abs} leads out of the project (to ${real})`, {
      hint: "a project's catalog must be files of the project",
    });
  const files = (await stat(real)).isDirectory() ? await yamlFiles(real) : [real];
  return Promise.all(files.map(async (file) => ({ file, text: await projectText(file, shown) })));
}

async function projectText(file: string, shown: string): Promise<string> {
  const read = await readRegular(file, MAX_FILE).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(
      'CATALOG_UNREADABLE',
      `${shown}: cannot read ${file}: ${code === 'ELOOP' ? 'it is a symbolic link' : (code ?? String(e))}`,
      { hint: "a project's catalog files must be plain files of the project", cause: e },
    );
  });
  if ('refused' in read)
    throw usageError('CATALOG_UNREADABLE', `${shown}: ${file} is ${read.refused}, not a regular file`, {
      hint: "a project's catalog files must be plain files of the project",
    });
  if ('tooLarge' in read || !isUtf8(read.bytes))
    throw usageError('CATALOG_UNREADABLE', `${shown}: ${file} is not a catalog file (over 1 MiB, or not UTF-8)`, {
      hint: 'give a directory of distro files (*.yml) or one such file',
    });
  return read.bytes.toString('utf8');
}

/**
 * Loads the catalog from `dirs`, earliest first, then the project's; a later layer replaces entries by name. Every
 * problem in every file is collected into one CATALOG_INVALID error, one `file:line: field: message` a line.
 */
export async function loadCatalog(dirs: string[] = catalogDirs(), project?: ProjectCatalog): Promise<Catalog> {
  const layers: ParsedEntry[][] = [];
  const problems: string[] = [];
  // The built-in files' parse comes from the build's cache (parsed-cache.ts); a project's files are parsed.
  const cache = await parseCache();
  const addLayer = (files: Array<{ file: string; text: string }>, o: { project?: boolean } = {}): void => {
    const layer: ParsedEntry[] = [];
    for (const { file, text } of files) {
      const parsed = o.project ? parseCatalogFile(text, file, o) : parseCatalogFileCached(text, file, cache);
      problems.push(...parsed.issues.map((i) => i.text));
      layer.push(...parsed.entries);
    }
    problems.push(...layerIssues(layer), ...sourceIssues(layer), ...eolIssues(layer));
    layers.push(layer);
  };
  for (const dir of dirs) {
    const files = await yamlFiles(dir);
    addLayer(await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') }))));
  }
  // Each path of the project's is a layer, as each directory of $VMATRIX_CATALOG is: a later one overrides.
  for (const path of project?.paths ?? []) addLayer(await projectFiles(project!.root, path), { project: true });
  if (problems.length > 0) {
    throw usageError('CATALOG_INVALID', problems.join('\n'), {
      hint: "fix the catalog files above; their keys are described in vmatrix's schema/distro.schema.json",
    });
  }
  return layeredCatalog(layers);
}
