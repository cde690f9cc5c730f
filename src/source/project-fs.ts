import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

// The project's files, reached the way a snapshot may reach them. They are not ours to trust: a tracked
// directory may have become a symlink to /etc, a file a symlink to anywhere, and a name in git's index may
// be anything at all. A path is taken only as a plain relative one (no "..", ".", empty or absolute parts),
// every directory on its way is checked once not to be a symlink, the file itself is opened with O_NOFOLLOW,
// and what the kernel says the open descriptor is must be the path asked for: a directory swapped for a
// symlink between the check and the open is caught there, so no content from outside the project is read.

export class ProjectFs {
  private readonly dirs = new Map<string, Promise<boolean>>();

  private constructor(readonly root: string) {}

  /** The project at `dir`, by its real path (what /proc says an open file is). */
  static async at(dir: string): Promise<ProjectFs> {
    return new ProjectFs(await realpath(dir));
  }

  /** The file at `rel` (not followed if a symlink), or undefined: missing, or not reachable without a symlink. */
  async lstat(rel: string): Promise<BigIntStats | undefined> {
    if (!(await this.reachable(rel))) return undefined;
    return lstat(join(this.root, rel), { bigint: true }).catch(() => undefined);
  }

  /** The target of the symlink at `rel`, as bytes, or undefined. */
  async readlink(rel: string): Promise<Buffer | undefined> {
    if (!(await this.reachable(rel))) return undefined;
    return readlink(join(this.root, rel), { encoding: 'buffer' }).catch(() => undefined);
  }

  /** `rel` opened for reading, or undefined: missing, a symlink, or reached through one. Never blocks on a FIFO. */
  async open(rel: string): Promise<FileHandle | undefined> {
    if (!validPath(rel)) return undefined;
    const path = join(this.root, rel);
    const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
      () => undefined,
    );
    if (!file) return undefined;
    const opened = await readlink(`/proc/self/fd/${file.fd}`).catch(() => undefined);
    if (opened === path) return file;
    await file.close();
    return undefined;
  }

  /** Whether `rel` is a valid path whose directories are all real directories (each checked once). */
  private async reachable(rel: string): Promise<boolean> {
    if (!validPath(rel)) return false;
    const slash = rel.lastIndexOf('/');
    return slash < 0 || this.realDir(rel.slice(0, slash));
  }

  private realDir(dir: string): Promise<boolean> {
    let known = this.dirs.get(dir);
    if (!known) {
      known = this.reachable(dir).then(
        (ok) =>
          ok &&
          lstat(join(this.root, dir)).then(
            (st) => st.isDirectory(),
            () => false,
          ),
      );
      this.dirs.set(dir, known);
    }
    return known;
  }
}

/** A file of the project that changed while it was being read: the snapshot starts again. */
export class ProjectChanged extends Error {
  constructor(readonly path: string) {
    super(`${path} changed while it was being read`);
  }
}

/** A relative path of plain names: nothing that could climb out of, or stay at, the directory it is joined to. */
export function validPath(rel: string): boolean {
  return rel !== '' && !rel.includes('\0') && !BAD_PART.test(rel);
}

/** An empty, "." or ".." part anywhere: "/a", "a//b", "a/", ".", "a/../b". */
const BAD_PART = /(?:^|\/)(?:\.\.?)?(?:\/|$)/;
