import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { inertLine } from '../util/inert.js';
import { formatSize } from '../util/size.js';
import { readRegular } from './read.js';

// A cell's root as its overlay mount shows it, read on the host from the layers themselves, without mounting
// anything: a name is taken from the first layer that has it; a whiteout hides the layers below (the kernel's,
// a 0/0 character device; fuse-overlayfs's and OCI's, a `.wh.<name>` file); a directory is merged with the
// directories of the same name below it, unless it is opaque or a lower layer has something else there.
//
// Opaque directories: the kernel marks them with the xattr `trusted.overlay.opaque` (`user.overlay.opaque`
// under userxattr). Node has no call that reads xattrs and this reader starts no process, so only the
// `.wh..wh..opq` marker (fuse-overlayfs, OCI layers) is honoured: a directory a setup step removed and made
// again shows the image's old entries beside its new ones. Package databases are updated in place, not
// recreated, so this is a listing of packages removed and then some installed again at most.
//
// Links are resolved the way a chroot would: inside the merged view, an absolute target from its root, `..`
// never above it, at most 40 of them per path; a path is never handed to the host to follow. Every name
// joined to a layer's directory is one component (no `/`, never `.` or `..`) of a directory lstat saw as a
// directory, so a host path never goes through a link. The layers do not change while they are read: an
// image and a committed setup layer never do, and a cell's upper dir is not one of them.

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** As Linux's MAXSYMLINKS. */
export const LINK_HOPS = 40;
/** Directory entries walked per inventory, over all listings. */
export const ENTRY_CAP = 100_000;
/** Bytes read per inventory, over all files: 100k pacman descs, each under its own cap, must not add up to hours. */
export const BYTES_CAP = 256 * 2 ** 20;

export interface ViewCaps {
  entries: number;
  bytes: number;
}

/** A directory of the merged view: its layers' directories, top first. */
interface Frame {
  hosts: string[];
}

/** Where a path leads in the merged view. `path` is the path asked for. */
export type Found =
  | { kind: 'dir'; path: string; frames: Frame[] }
  | { kind: 'file' | 'other'; path: string; host: string }
  | { kind: 'missing'; path: string }
  | { kind: 'refused'; path: string; why: string };

/** A directory found in the view. */
export type Dir = Extract<Found, { kind: 'dir' }>;

interface ReadOptions {
  /** A missing file is noted too. */
  required?: boolean;
  /** `prefix`: the first `cap` bytes of a longer file, rather than a refusal. */
  mode?: 'whole' | 'prefix';
  /** The directory a relative path starts from. */
  from?: Dir;
}

type Entry = { type: 'dir'; hosts: string[] } | { type: 'link' | 'file' | 'other'; host: string } | { type: 'missing' };

export class OverlayView {
  /** What was refused or cut short, in the words a packagesNote uses. */
  readonly notes: string[] = [];
  private readonly root: Frame;
  private walked = 0;
  private bytesRead = 0;

  /** `lowerdirs`: newest first, as an overlayfs lowerdir list; `caps` lower for tests. */
  constructor(
    lowerdirs: readonly string[],
    private readonly caps: ViewCaps = { entries: ENTRY_CAP, bytes: BYTES_CAP },
  ) {
    this.root = { hosts: [...lowerdirs] };
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** Resolves `path` (absolute, or relative to `from`), following links inside the view. Never throws. */
  async resolve(path: string, from?: Dir): Promise<Found> {
    const fromRoot = path.startsWith('/') || !from;
    const named = fromRoot ? path : posix.join(from.path, path);
    try {
      return await this.walk(named, path, fromRoot ? [this.root] : from.frames);
    } catch (e) {
      return { kind: 'refused', path: named, why: (e as NodeJS.ErrnoException).code ?? 'unreadable' };
    }
  }

  /**
   * A regular file's bytes (see readRegular), or undefined with a note saying why; a missing file is noted
   * only when it is `required`.
   */
  async read(path: string, cap: number, o: ReadOptions = {}): Promise<Buffer | undefined> {
    const found = await this.resolve(path, o.from);
    if (found.kind === 'missing') {
      if (o.required) this.note(`${shown(found.path)}: not found`);
      return undefined;
    }
    if (found.kind !== 'file') return this.refuse(found, found.kind === 'dir' ? 'a directory' : undefined);
    if (this.bytesRead >= this.caps.bytes) {
      return this.refuse(found, `over the cap of ${formatSize(this.caps.bytes)} read per inventory`);
    }
    const r = await readRegular(found.host, cap, o.mode).catch((e: NodeJS.ErrnoException) => ({
      refused: e.code ?? 'unreadable',
    }));
    if ('refused' in r) return this.refuse(found, r.refused);
    this.bytesRead += r.bytes.length;
    return r.bytes;
  }

  /**
   * The names in a directory of the view, sorted; undefined when it is missing, or with a note when it is not
   * a directory. Stops, with a note, once the view has walked its cap of entries.
   */
  async list(path: string, o: { from?: Dir } = {}): Promise<string[] | undefined> {
    const found = await this.resolve(path, o.from);
    if (found.kind === 'missing') return undefined;
    if (found.kind !== 'dir') return this.refuse(found, 'not a directory');
    try {
      return await this.merge(found.frames.at(-1)!.hosts, found.path);
    } catch (e) {
      return this.refuse({ ...found, kind: 'refused', why: (e as NodeJS.ErrnoException).code ?? 'unreadable' });
    }
  }

  /** Resolves `path` as a directory (for listing below it), or undefined; refusals are noted. */
  async dir(path: string, from?: Dir): Promise<Dir | undefined> {
    const found = await this.resolve(path, from);
    if (found.kind === 'dir') return found;
    if (found.kind === 'refused') this.refuse(found);
    return undefined;
  }

  private refuse(found: Found, what?: string): undefined {
    this.note(
      `${shown(found.path)}: not read (${found.kind === 'refused' ? found.why : (what ?? 'not a regular file')})`,
    );
    return undefined;
  }

  /** `path` names the result; `rest` is what is left to resolve from `start`. */
  private async walk(path: string, rest: string, start: Frame[]): Promise<Found> {
    let frames = start;
    const todo = rest.split('/').reverse();
    let hops = 0;
    while (todo.length > 0) {
      const name = todo.pop()!;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        if (frames.length > 1) frames = frames.slice(0, -1);
        continue;
      }
      const entry = await lookup(frames.at(-1)!.hosts, name);
      if (entry.type === 'dir') {
        frames = [...frames, { hosts: entry.hosts }];
      } else if (entry.type === 'link') {
        if (++hops > LINK_HOPS) return { kind: 'refused', path, why: `more than ${LINK_HOPS} symbolic links` };
        const target = await readlink(entry.host);
        if (target.startsWith('/')) frames = [this.root];
        todo.push(...target.split('/').reverse());
      } else if (entry.type === 'missing' || todo.some((c) => c !== '' && c !== '.')) {
        return { kind: 'missing', path }; // below a file is as missing as nothing at all (ENOTDIR)
      } else {
        return { kind: entry.type, path, host: entry.host };
      }
    }
    return { kind: 'dir', path, frames };
  }

  /** The names of a merged directory: upper names shadow lower ones, whiteouts hide them, markers are not names. */
  private async merge(hosts: readonly string[], path: string): Promise<string[]> {
    const names = new Set<string>();
    const hidden = new Set<string>();
    for (const host of hosts) {
      const entries = await readdir(host, { withFileTypes: true });
      this.walked += entries.length;
      if (this.walked > this.caps.entries) {
        this.note(`${shown(path)}: listed in part (over the cap of ${this.caps.entries} directory entries)`);
        break;
      }
      const whiteouts: string[] = [];
      for (const e of entries) {
        if (e.name === OPAQUE) continue;
        if (e.name.startsWith(WHITEOUT)) whiteouts.push(e.name.slice(WHITEOUT.length));
        else if (e.isCharacterDevice() && (await isWhiteout(join(host, e.name)))) whiteouts.push(e.name);
        else if (!hidden.has(e.name)) names.add(e.name);
      }
      for (const w of whiteouts) hidden.add(w);
    }
    return [...names].sort();
  }
}

/** `name` in a merged directory whose layers' directories are `hosts`, top first. */
async function lookup(hosts: readonly string[], name: string): Promise<Entry> {
  const dirs: string[] = [];
  for (const dir of hosts) {
    const host = join(dir, name);
    const st = await lstatIfAny(host);
    if (!st) {
      if (await lstatIfAny(join(dir, WHITEOUT + name))) break;
      continue;
    }
    if (st.isCharacterDevice() && st.rdev === 0) break;
    if (!st.isDirectory()) {
      if (dirs.length > 0) break; // a directory above hides whatever is not one below
      return { type: st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other', host };
    }
    dirs.push(host);
    if (await lstatIfAny(join(host, OPAQUE))) break;
  }
  return dirs.length > 0 ? { type: 'dir', hosts: dirs } : { type: 'missing' };
}

async function isWhiteout(host: string): Promise<boolean> {
  const st = await lstatIfAny(host);
  return st !== undefined && st.isCharacterDevice() && st.rdev === 0;
}

async function lstatIfAny(host: string) {
  try {
    return await lstat(host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** A path of the cell in a note: the project's names, made safe to print. */
export function shown(path: string): string {
  return inertLine(path);
}
