import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { hashOf, shortId } from '../util/hash.js';

// What a setup layer's id is made of. The id is a hash of everything that can change the layer's content
// and of nothing else, so a change to any input rebuilds the layer and a test command, an axis that setup
// does not use or an unrelated file never does. Project files are read from the run's snapshot of the
// project (what the cells see), never through a symlink, so nothing outside the project is read.

/**
 * Bump when the way a layer is built changes, so that old layers are not reused. 2: packages come with
 * their weak dependencies (Recommends) unless `install_recommends: false`. 3: setup sees only the project
 * files the key covers (setup-view.ts); a layer of format 2 saw all of it, so another project's may hold
 * what that project's files put there.
 */
export const LAYER_FORMAT = 3;

/** What a layer installs and runs, after placeholders and package-name mapping. */
export interface Recipe {
  packages: string[];
  /**
   * false: the packages come without their weak dependencies (`install_recommends: false`). Absent where
   * that changes nothing (no packages, or a manager without weak dependencies), so it keys no rebuild there.
   */
  installRecommends?: false;
  setup: string[];
  /** All of `env:` (after placeholders): setup commands may read any of it. */
  env: Record<string, string>;
}

/** A project file as the key sees it: its content (a symlink's target text) and its permission bits. */
export interface FileDigest {
  sha256: string;
  /** Octal, `644`; a symlink is `link`. */
  mode: string;
}

/** Everything a layer's content depends on: its hash is the layer's id, and layer.json records it. */
export interface LayerInputs extends Recipe {
  format: number;
  image: string;
  packageManager: string;
  /** Where setup runs and sees the project: a script may record the path. */
  workdir: string;
  /** Project files named in setup commands (`./ci/deps.sh`). */
  files: Record<string, FileDigest>;
  /** The project files `setup_inputs` matches. */
  setupInputs: Record<string, FileDigest>;
  /** The user namespace's host ids the layer's files belong to, when it is built in one. */
  ids?: { uid: number; gid: number };
  /** 'fuse' for a layer built on fuse-overlayfs (rootless, where the kernel cannot): its own whiteouts. */
  overlay?: 'fuse';
}

export function layerKey(inputs: LayerInputs): string {
  return shortId(hashOf(inputs));
}

async function digest(tree: string, rel: string): Promise<FileDigest | undefined> {
  const path = join(tree, rel);
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink()) return { sha256: sha256(await readlink(path)), mode: 'link' };
  if (!st?.isFile()) return undefined;
  return { sha256: sha256(await readFile(path)), mode: (st.mode & 0o7777).toString(8) };
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Project files a setup command names (`./ci/install-deps.sh`, `sh ci/x.sh`): edit one, get a rebuild. */
export async function namedFiles(tree: string, setup: string[]): Promise<Record<string, FileDigest>> {
  const files: Record<string, FileDigest> = {};
  for (const token of setup.flatMap((s) => s.split(/\s+/))) {
    const rel = token.replace(/^\.\//, '');
    if (!rel || rel.startsWith('/') || rel.split('/').includes('..') || !/^[\w./-]+$/.test(rel)) continue;
    const d = await digest(tree, rel);
    if (d) files[rel] = d;
  }
  return files;
}

/** Every file (and symlink) under `dir`, as posix paths relative to it, never following a symlink. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name), `${rel}/`)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(rel);
  }
  return out;
}

export interface SetupInputFiles {
  files: Record<string, FileDigest>;
  /** Globs that matched no file: a warning, since a typo here would silently key nothing. */
  unmatched: string[];
}

/** The files of the project snapshot `tree` that the `setup_inputs` globs match, with their digests. */
export async function setupInputFiles(tree: string, globs: string[]): Promise<SetupInputFiles> {
  if (globs.length === 0) return { files: {}, unmatched: [] };
  // dot: a `ci/*` means every file there; being generous only ever costs a rebuild, never a stale layer.
  const matchers = globs.map((g) => ({ glob: g, test: picomatch(g.replace(/^(\.\/)+/, ''), { dot: true }), hits: 0 }));
  const files: Record<string, FileDigest> = {};
  for (const rel of (await walk(tree)).sort()) {
    const hit = matchers.filter((m) => m.test(rel));
    if (hit.length === 0) continue;
    for (const m of hit) m.hits++;
    files[rel] = (await digest(tree, rel))!;
  }
  return { files, unmatched: matchers.filter((m) => m.hits === 0).map((m) => m.glob) };
}
