import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Store } from '../store/index.js';
import { shortId } from '../util/hash.js';
import { readPairs, writePairs } from './pairs-file.js';
import { settledBefore, sameStamp, type Stamp } from './stamp.js';

// What vmatrix hashed itself on earlier runs of a project: the files git's index does not vouch for
// (untracked ones, edited ones, all of them when the index cannot be read), by path, with the stamp each had
// and its blob id (content.ts). A later run hashes again only a file whose mode or stamp changed, or that was last
// changed
// in the second the recording run started in or later: a write in that second can leave a stamp as it was
// (see stamp.ts). One file per project, in the store's source-cache/, replaced whole (written
// in tmp/, then renamed); one that does not read back whole (cut short by a crash) counts as empty.

export interface Hashed {
  mode: number;
  stamp: Stamp;
  id: string;
}

const FORMAT = 'vmatrix-source-cache 2';

export class StatCache {
  private readonly recorded = new Map<string, Hashed>();
  private hits = 0;
  /** This run's file, made by begin(): its mtime is the run's start. */
  private tmp?: Promise<{ path: string; handle: FileHandle; startedSec: number }>;

  private constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly previous: { startedSec: number; entries: Map<string, Hashed>; last?: string },
  ) {}

  /** The cache of the project at `root` (a real path). */
  static async open(store: Store, root: string): Promise<StatCache> {
    const file = join(
      store.root,
      'source-cache',
      shortId(createHash('sha256').update(`project ${root}`).digest('hex')),
    );
    return new StatCache(store, file, await readCache(file));
  }

  /**
   * Marks this run's start: call it before looking at the first file to record. The start is the mtime of
   * the file the run will write, so that it comes from the clock that stamps files; an unchanged project
   * whose files git vouches for all never gets that far, and writes nothing.
   */
  begin(): Promise<{ path: string; handle: FileHandle; startedSec: number }> {
    this.tmp ??= (async () => {
      const path = join(
        this.store.tmpDir(),
        `source-cache-${randomBytes(4).toString('hex')}.tmp-${process.pid}-${Date.now()}`,
      );
      const handle = await open(path, 'wx', 0o600);
      return { path, handle, startedSec: Math.floor((await handle.stat()).mtimeMs / 1000) };
    })();
    return this.tmp;
  }

  /** The snapshot this project had last (a manifest to take unchanged files from). */
  get last(): string | undefined {
    return this.previous.last;
  }

  /** The blob id recorded for `path`, when its mode and stamp are as they were and had settled by then. */
  lookup(path: string, mode: number, stamp: Stamp): string | undefined {
    const known = this.previous.entries.get(path);
    if (
      !known ||
      known.mode !== mode ||
      !sameStamp(known.stamp, stamp) ||
      !settledBefore(known.stamp, this.previous.startedSec)
    )
      return undefined;
    this.hits++;
    return known.id;
  }

  record(path: string, hashed: Hashed): void {
    this.recorded.set(path, hashed);
  }

  /** Writes what this run recorded, naming `last` as the project's snapshot; nothing when nothing changed. */
  async save(last: string): Promise<void> {
    const unchanged =
      this.hits === this.recorded.size &&
      this.recorded.size === this.previous.entries.size &&
      last === this.previous.last;
    if (unchanged) return this.abandon();
    const { handle, path, startedSec } = await this.begin();
    try {
      const pairs = [...this.recorded].map(
        ([p, { mode, stamp: s, id }]) =>
          [p, `${mode} ${s.size} ${s.mtimeSec} ${s.mtimeNsec} ${s.ctimeSec} ${s.ctimeNsec} ${s.ino} ${id}`] as const,
      );
      await writePairs(handle, { format: FORMAT, startedSec, last }, pairs.length, pairs);
      await handle.close();
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await rename(path, this.file);
    } catch (e) {
      await this.abandon();
      throw e;
    }
  }

  /** Drops this run's file, if it made one: the snapshot failed, or nothing changed. */
  async abandon(): Promise<void> {
    const tmp = await this.tmp?.catch(() => undefined);
    if (!tmp) return;
    await tmp.handle.close().catch(() => {});
    await unlink(tmp.path).catch(() => {});
  }
}

async function readCache(file: string): Promise<{ startedSec: number; entries: Map<string, Hashed>; last?: string }> {
  const entries = new Map<string, Hashed>();
  const head = await readPairs(file, FORMAT, (path, value) => {
    const fields = value.split(' ');
    const n = (i: number) => Number(fields[i]);
    entries.set(path, {
      mode: n(0),
      stamp: { size: n(1), mtimeSec: n(2), mtimeNsec: n(3), ctimeSec: n(4), ctimeNsec: n(5), ino: n(6) },
      id: fields[7] ?? '',
    });
  });
  if (!head || typeof head.startedSec !== 'number') return { startedSec: 0, entries: new Map() };
  return { startedSec: head.startedSec, entries, last: typeof head.last === 'string' ? head.last : undefined };
}
