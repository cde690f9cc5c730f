import { constants, type Dirent, type WriteStream } from 'node:fs';
import { chown, lstat, mkdir, open, readdir, type FileHandle } from 'node:fs/promises';
import { dirname, join, posix, relative } from 'node:path';
import picomatch from 'picomatch';
import { messageOf } from '../util/errors.js';
import { createNew, invokingUser, realDirs, type Owner } from '../util/host-fs.js';
import { formatSize, sizeFromEnv } from '../util/size.js';
import type { CellResult } from '../results/types.js';

// `artifacts:` — files a cell's test steps wrote, copied out after the cell ends (passed or not). They are
// read from the cell's writable dirs, which outlive it (see keepScratch): the root's overlay upper dir (at
// / in the cell) and the project copy's (at the workdir). Only what the steps wrote is there, and the walk
// takes regular files only: symlinks are never followed (they may point anywhere on the host), whiteouts
// (0/0 character devices: files the steps deleted) and other special files are left.
// picomatch is the matcher: the walk is ours (it must see whiteouts and symlinks for what they are), so a
// matcher is all that is needed, and picomatch is the one fast-glob, tinyglobby and chokidar use.

/** Files outside the workdir keep their whole path under this dir of artifacts/. */
export const OUTSIDE_WORKDIR = '_root';

const DEFAULT_CAP = '256m';
const CAP_VARIABLE = 'VMATRIX_ARTIFACTS_MAX_SIZE';

/** The most bytes of artifacts copied per cell: $VMATRIX_ARTIFACTS_MAX_SIZE, or 256 MB. */
export function artifactCap(env: NodeJS.ProcessEnv = process.env): number {
  return sizeFromEnv(env, CAP_VARIABLE, DEFAULT_CAP, 'BAD_ARTIFACTS_CAP');
}

/** Whether a path in the cell is an artifact: it matches a pattern, or is inside a directory that does. */
export function artifactMatcher(patterns: readonly string[], workdir: string): (cellPath: string) => boolean {
  const absolute = patterns.map((p) =>
    (posix.isAbsolute(p) ? posix.normalize(p) : posix.join(workdir, p)).replace(/(.)\/+$/, '$1'),
  );
  const isMatch = picomatch(absolute, { dot: true });
  const inside = picomatch(
    absolute.map((p) => `${p}/**`),
    { dot: true },
  );
  return (path) => isMatch(path) || inside(path);
}

export interface ArtifactWalk {
  patterns: readonly string[];
  workdir: string;
  /** The root's upper dir (/ in the cell) and the project copy's (the workdir). */
  upper: string;
  srcUpper: string;
  /** Where to copy them: the cell's artifacts/ dir. */
  dest: string;
  maxBytes: number;
  /** Who owns the copies; default: the user who ran vmatrix. */
  owner?: Owner;
}

export interface CopiedArtifacts {
  /** Relative to `dest`, in path order. */
  files: string[];
  bytes: number;
  /** What did not fit under the cap. */
  left: { files: number; bytes: number };
}

interface Found {
  host: string;
  rel: string;
  size: number;
}

/** Copies the matching files, in path order, skipping those that would take the total over the cap. */
export async function copyArtifacts(o: ArtifactWalk): Promise<CopiedArtifacts> {
  const matches = artifactMatcher(o.patterns, o.workdir);
  const found: Found[] = [];
  for await (const f of walk(o.srcUpper, o.workdir))
    if (matches(f.cell)) found.push({ ...f, rel: posix.relative(o.workdir, f.cell) });
  // Under the workdir the project's overlay hides the root's: what the root's upper has there was never seen.
  for await (const f of walk(o.upper, '/', o.workdir))
    if (matches(f.cell)) found.push({ ...f, rel: posix.join(OUTSIDE_WORKDIR, f.cell) });
  const out: CopiedArtifacts = { files: [], bytes: 0, left: { files: 0, bytes: 0 } };
  const owner = o.owner ?? invokingUser();
  for (const f of found) {
    if (out.bytes + f.size > o.maxBytes) {
      out.left.files++;
      out.left.bytes += f.size;
      continue;
    }
    await copyPlain(f.host, o.dest, f.rel, owner);
    out.files.push(f.rel);
    out.bytes += f.size;
  }
  return out;
}

/**
 * Copies one file as a plain file of the invoking user: what a cell wrote is the project's, so no
 * set-uid, set-gid or sticky bit, nothing group- or world-writable (0755 when it was executable, else
 * 0644; directories 0755), and no link followed on either side (the source opened O_NOFOLLOW, the copy
 * created O_EXCL|O_NOFOLLOW in directories made one by one).
 */
async function copyPlain(from: string, dest: string, rel: string, owner: Owner): Promise<void> {
  const parts = rel.split('/');
  // `dest` is in the run's own new directory; below it, the names are the cell's.
  await mkdir(dest, { recursive: true });
  const made = await realDirs(dest, parts.slice(0, -1));
  for (const dir of made) await chown(dir, owner.uid, owner.gid);
  const source = await open(from, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await source.stat();
    if (!st.isFile()) throw new Error(`${rel} is no longer a regular file`);
    const mode = st.mode & 0o111 ? 0o755 : 0o644;
    const copy = await createNew(join(dest, ...parts), mode);
    try {
      await copyBytes(source, copy);
      await copy.chmod(mode);
      await copy.chown(owner.uid, owner.gid);
    } finally {
      await copy.close();
    }
  } finally {
    await source.close();
  }
}

async function copyBytes(from: FileHandle, to: FileHandle): Promise<void> {
  const buffer = Buffer.alloc(2 ** 20);
  for (
    let n = (await from.read(buffer, 0, buffer.length, null)).bytesRead;
    n > 0;
    n = (await from.read(buffer, 0, buffer.length, null)).bytesRead
  ) {
    await to.write(buffer, 0, n);
  }
}

/** Regular files under `dir`, sorted, with their path in the cell; `skip` is a cell path left out whole. */
async function* walk(
  dir: string,
  cellDir: string,
  skip?: string,
): AsyncGenerator<{ host: string; cell: string; size: number }> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // the cell never started
    throw e;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const host = join(dir, entry.name);
    const cell = posix.join(cellDir, entry.name);
    if (cell === skip) continue;
    // Dirent types come from lstat: a symlink is a symlink here, whatever it points to.
    if (entry.isDirectory()) yield* walk(host, cell, skip);
    else if (entry.isFile()) yield { host, cell, size: (await lstat(host)).size };
  }
}

/** The warning for files left out over the cap, if any. */
export function capWarning(copied: CopiedArtifacts, maxBytes: number): string | undefined {
  const { files, bytes } = copied.left;
  if (files === 0) return undefined;
  const what = `${files} file${files === 1 ? '' : 's'} (${formatSize(bytes)})`;
  return `artifacts: ${what} not copied: over the ${formatSize(maxBytes)} cap per cell (raise it with ${CAP_VARIABLE})`;
}

/** `<cell dir>/artifacts`, beside the cell's log.txt; an earlier attempt's go to `<cell dir>/attempt-<n>/artifacts`. */
export function artifactsDir(logPath: string, attempt?: number): string {
  return join(dirname(logPath), ...(attempt === undefined ? [] : [`attempt-${attempt}`]), 'artifacts');
}

/**
 * Copies a cell's artifacts, says in its log what was copied, and returns the result's fields. Not being
 * able to copy them (a full disk) is a warning: the cell's own result stands.
 */
export async function saveArtifacts(
  o: ArtifactWalk & { projectDir: string; log: WriteStream },
): Promise<Pick<CellResult, 'artifacts' | 'artifactsPath' | 'warnings'>> {
  const where = relative(o.projectDir, o.dest);
  let copied: CopiedArtifacts;
  try {
    copied = await copyArtifacts(o);
  } catch (e) {
    const warning = `artifacts: could not copy them to ${where}: ${messageOf(e)}`;
    o.log.write(`# ${warning}\n`);
    return { warnings: [warning] };
  }
  const warning = capWarning(copied, o.maxBytes);
  const n = copied.files.length;
  o.log.write(
    n > 0
      ? `# artifacts: ${n} file${n === 1 ? '' : 's'} (${formatSize(copied.bytes)}) copied to ${where}\n`
      : `# artifacts: no file the steps wrote matches ${o.patterns.join(', ')}\n`,
  );
  if (warning) o.log.write(`# ${warning}\n`);
  return { ...(n > 0 && { artifacts: copied.files, artifactsPath: where }), ...(warning && { warnings: [warning] }) };
}
