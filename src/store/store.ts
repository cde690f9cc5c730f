import { chmod, lstat, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { envError, usageError } from '../util/errors.js';
import { execCapture } from '../util/exec.js';
import { fsyncDir, writeFileAtomic } from '../util/fs.js';
import { asStoreFull } from './full.js';
import { storeRoot } from './home.js';
import { tryFileLock, withFileLock, type LockOptions } from './lock.js';
import { ownRecord } from './owner.js';
import { removeTree } from './remove.js';
import { retireDir, sweepRetired } from './retire.js';
import { writeRunInfo, type RunInfo } from './runs.js';
import { OWNER_SUFFIX, sweepLocks, sweepTmp } from './sweep.js';
import type { ImageMeta, LayerMeta } from './types.js';

const SUBDIRS = ['blobs/sha256', 'images', 'layers', 'sources', 'cells', 'locks', 'tmp', 'retired'];

/** The on-disk, content-addressed store: a cache hit is a path that exists. See docs/architecture.md "The store". */
export class Store {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** $VMATRIX_HOME; else /var/lib/vmatrix for root; else $XDG_DATA_HOME/vmatrix (~/.local/share/vmatrix). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, uid: number | undefined = process.getuid?.()): Store {
    return new Store(storeRoot(env, uid));
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    // Also when the directory existed: host users must not reach extracted setuid binaries (CVE-2021-41091).
    await chmod(this.root, 0o700);
    for (const sub of SUBDIRS) await mkdir(join(this.root, sub), { recursive: true, mode: 0o700 });
  }

  blobPath(digest: string): string {
    const hex = digest.replace(/^sha256:/, '');
    if (!/^[0-9a-f]{64}$/.test(hex)) throw usageError('BAD_DIGEST', `"${digest}" is not a sha256 digest`);
    return join(this.root, 'blobs/sha256', hex);
  }

  imageDir(id: string): string {
    return join(this.root, 'images', checkId(id));
  }
  imageRootfs(id: string): string {
    return join(this.imageDir(id), 'rootfs');
  }
  layerDir(id: string): string {
    return join(this.root, 'layers', checkId(id));
  }
  layerDiff(id: string): string {
    return join(this.layerDir(id), 'diff');
  }
  sourceDir(id: string): string {
    return join(this.root, 'sources', checkId(id));
  }
  /** repos/<id>: bare clones of repositories named with `vmatrix test --repo URL`. */
  repoDir(id: string): string {
    return join(this.root, 'repos', checkId(id));
  }
  /** caches/<key>: a package manager's downloads for one distro, mounted into setup cells (caches.ts). */
  cacheDir(key: string): string {
    return join(this.root, 'caches', checkId(key));
  }
  cellsDir(): string {
    return join(this.root, 'cells');
  }
  /** kept/<run>/<cell>: the writable layers of cells kept with `vmatrix test --keep`, for `vmatrix shell --run`. */
  keptRoot(): string {
    return join(this.root, 'kept');
  }
  keptDir(runId: string, slug?: string): string {
    return slug ? join(this.keptRoot(), checkId(runId), slug) : join(this.keptRoot(), checkId(runId));
  }

  /**
   * cells/<run>/ for a run's cell dirs, with an owner record so that a sweep can tell a dead run's leftovers,
   * and run.json saying what runs there, for `vmatrix ps`.
   */
  async createRunDir(runId: string, info: Omit<RunInfo, 'startedAt'> = {}): Promise<string> {
    const dir = join(this.cellsDir(), checkId(runId));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'owner'), JSON.stringify(await ownRecord()));
    await writeRunInfo(dir, { ...info, startedAt: new Date().toISOString() });
    return dir;
  }
  tmpDir(): string {
    return join(this.root, 'tmp');
  }

  /** A new empty dir under tmp/. Its owner file, written first, lets sweep() remove it if we die. */
  async staging(prefix: string): Promise<string> {
    const dir = join(this.tmpDir(), `${checkId(prefix)}-${randomBytes(6).toString('hex')}`);
    await mkdir(this.tmpDir(), { recursive: true, mode: 0o700 });
    await writeFile(dir + OWNER_SUFFIX, JSON.stringify(await ownRecord()), { flag: 'wx' });
    await mkdir(dir, { mode: 0o700 });
    return dir;
  }

  /** Removes a staging dir that will not be committed (a failed build). */
  async discard(staging: string): Promise<void> {
    await removeTree(staging);
    await unlink(staging + OWNER_SUFFIX).catch(() => {});
  }

  /**
   * Runs `fn` in a new staging dir, which `fn` commits (commitDir, replaceDir); when `fn` throws, the dir
   * is removed at once: a later sweep would find it, but a failure on a full disk needs the space now.
   */
  async inStaging<T>(prefix: string, fn: (staging: string) => Promise<T>): Promise<T> {
    const staging = await this.staging(prefix);
    try {
      return await fn(staging);
    } catch (e) {
      await this.discard(staging);
      throw e;
    }
  }

  /** Runs `fn`, which writes into the store: a write that does not fit becomes STORE_FULL (see full.ts). */
  async writing<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw asStoreFull(this.root, doing, e);
    }
  }

  withLock<T>(name: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
    return withFileLock(join(this.root, 'locks', `${checkId(name)}.lock`), fn, options);
  }

  /** Takes the lock `name` if it is free (see tryFileLock): its release, or undefined when it is busy. */
  tryLock(name: string): Promise<(() => Promise<void>) | undefined> {
    return tryFileLock(join(this.root, 'locks', `${checkId(name)}.lock`));
  }

  /** Makes a complete staging dir visible under its final name. Call it inside the id's lock. */
  async commitDir(staging: string, final: string): Promise<void> {
    // rename(2) would silently replace an empty directory: check first (the lock makes this race-free).
    if (
      await lstat(final).then(
        () => true,
        () => false,
      )
    ) {
      throw envError('STORE_CONFLICT', `${final} already exists in the store`, {
        hint:
          'another vmatrix committed the same entry first: run the command again to use it (`vmatrix image ' +
          'prune` removes unused entries)',
      });
    }
    await mkdir(dirname(final), { recursive: true, mode: 0o700 });
    await syncFilesystem(staging);
    await rename(staging, final);
    await fsyncDir(dirname(final));
    await unlink(staging + OWNER_SUFFIX).catch(() => {});
  }

  /**
   * Like commitDir, but an existing `final` is replaced (a rebuilt layer): it moves to retired/, whole, for
   * the cells of live runs still stacked on it, and the staging dir takes its name. Call it inside the id's
   * lock. rename(2) cannot swap non-empty dirs, so for a moment neither is there; the lock keeps builders
   * out of that moment, and a reader that finds no dir takes the lock and waits for the new one.
   */
  async replaceDir(staging: string, final: string): Promise<void> {
    if (
      await lstat(final).then(
        () => true,
        () => false,
      )
    ) {
      await mkdir(this.retiredDir(), { recursive: true, mode: 0o700 });
      await retireDir(final, this.retiredDir(), this.cellsDir());
    }
    await this.commitDir(staging, final);
  }

  /** retired/: replaced layers, kept until no run that was using them is alive (see retire.ts). */
  retiredDir(): string {
    return join(this.root, 'retired');
  }

  async listImages(): Promise<ImageMeta[]> {
    return this.listMeta('images', (id) => this.readImage(id));
  }

  readImage(id: string): Promise<ImageMeta | undefined> {
    return readJson<ImageMeta>(join(this.imageDir(id), 'image.json'));
  }

  writeImageMeta(meta: ImageMeta): Promise<void> {
    return writeFileAtomic(join(this.imageDir(meta.id), 'image.json'), `${JSON.stringify(meta, null, 2)}\n`);
  }

  async listLayers(): Promise<LayerMeta[]> {
    return this.listMeta('layers', (id) => this.readLayer(id));
  }

  readLayer(id: string): Promise<LayerMeta | undefined> {
    return readJson<LayerMeta>(join(this.layerDir(id), 'layer.json'));
  }

  writeLayerMeta(meta: LayerMeta): Promise<void> {
    return writeFileAtomic(join(this.layerDir(meta.id), 'layer.json'), `${JSON.stringify(meta, null, 2)}\n`);
  }

  /** Removes staging dirs and lock files left by dead processes, and retired dirs; returns the removed paths. */
  async sweep(): Promise<string[]> {
    return [
      ...(await sweepTmp(this.tmpDir())),
      ...(await sweepLocks(join(this.root, 'locks'))),
      ...(await sweepRetired(this.retiredDir(), this.cellsDir())),
    ];
  }

  private async listMeta<M extends { created: string }>(
    sub: string,
    read: (id: string) => Promise<M | undefined>,
  ): Promise<M[]> {
    const ids = await readdir(join(this.root, sub)).catch(() => [] as string[]);
    const metas: (M | undefined)[] = await Promise.all(ids.filter(isId).map(read));
    return metas.filter((m): m is M => m !== undefined).sort((a, b) => a.created.localeCompare(b.created));
  }
}

/**
 * Flushes the filesystem holding `path` (syncfs(2), through `sync -f`; Node has no binding). Without it
 * a crash soon after the rename could leave a committed tree of empty files: ext4 delays allocating
 * file data, but may journal the rename first.
 */
async function syncFilesystem(path: string): Promise<void> {
  const r = await execCapture('sync', ['-f', path]);
  if (r.code !== 0) throw envError('SYNC_FAILED', `sync -f ${path} failed: ${r.stderr.trim()}`);
}

function isId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id);
}

/** Ids become path components: anything that could climb out of the store is a caller's mistake. */
function checkId(id: string): string {
  if (!isId(id)) throw usageError('BAD_ID', `"${id}" is not a valid store id`);
  return id;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return undefined;
    throw e;
  }
}
