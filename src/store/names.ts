import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import type { Store } from './store.js';

// Names given to imported images (`vmatrix image import root.tar --as myos`): names/<name>.json points at
// an image id and says how to drive the root (package manager, shell), which a catalog entry would.

export interface ImportedName {
  name: string;
  image: string;
  packageManager: string;
  shell: string;
  created: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function namePath(store: Store, name: string): string {
  if (!NAME.test(name)) {
    throw usageError('BAD_NAME', `"${name}" is not a valid image name`, {
      hint: 'use lower-case letters, digits, ".", "_" and "-", like myos-1',
    });
  }
  return join(store.root, 'names', `${name}.json`);
}

export async function writeName(store: Store, rec: ImportedName): Promise<void> {
  await writeFileAtomic(namePath(store, rec.name), `${JSON.stringify(rec, null, 2)}\n`);
}

export async function readName(store: Store, name: string): Promise<ImportedName | undefined> {
  if (!NAME.test(name)) return undefined;
  const raw = await readFile(namePath(store, name), 'utf8').catch(() => undefined);
  try {
    return raw === undefined ? undefined : (JSON.parse(raw) as ImportedName);
  } catch {
    return undefined;
  }
}

export async function listNames(store: Store): Promise<ImportedName[]> {
  const files = await readdir(join(store.root, 'names')).catch(() => [] as string[]);
  const recs = await Promise.all(files.filter((f) => f.endsWith('.json')).map((f) => readName(store, f.slice(0, -5))));
  return recs.filter((r): r is ImportedName => r !== undefined);
}

export async function removeName(store: Store, name: string): Promise<void> {
  await rm(namePath(store, name), { force: true });
}
