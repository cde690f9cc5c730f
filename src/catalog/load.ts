import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { usageError } from '../util/errors.js';
import { packageRoot } from '../util/package-root.js';
import { layeredCatalog, layerIssues } from './catalog.js';
import { parseCatalogFile, sourceIssues, type ParsedEntry } from './parse.js';
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

/**
 * Loads the catalog from `dirs`, earliest first; a later directory replaces entries by name. Every
 * problem in every file is collected into one CATALOG_INVALID error, one `file:line: field: message` a line.
 */
export async function loadCatalog(dirs: string[] = catalogDirs()): Promise<Catalog> {
  const layers: ParsedEntry[][] = [];
  const problems: string[] = [];
  for (const dir of dirs) {
    const layer: ParsedEntry[] = [];
    for (const file of await yamlFiles(dir)) {
      const parsed = parseCatalogFile(await readFile(file, 'utf8'), file);
      problems.push(...parsed.issues.map((i) => i.text));
      layer.push(...parsed.entries);
    }
    problems.push(...layerIssues(layer), ...sourceIssues(layer));
    layers.push(layer);
  }
  if (problems.length > 0) {
    throw usageError('CATALOG_INVALID', problems.join('\n'), {
      hint: "fix the catalog files above; their keys are described in vmatrix's schema/distro.schema.json",
    });
  }
  return layeredCatalog(layers);
}
