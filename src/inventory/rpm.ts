import { createRequire } from 'node:module';
import type { InstalledPackage } from './types.js';
import type { OverlayView } from './overlay.js';
import { shown } from './overlay.js';
import { RPMDB_CAP } from './read.js';

// rpm's package database in its sqlite backend (rpm's lib/backend/sqlite.c; the default since rpm 4.16):
// `rpmdb.sqlite` under the dbpath, /usr/lib/sysimage/rpm on Fedora ≥ 36 and EL10 (where /var/lib/rpm is a link
// to it), /var/lib/rpm on Fedora 33–35, EL9 and Amazon Linux 2023. Its table `Packages (hnum, blob)` holds
// each installed package's header as rpm stores it (lib/header.c, headerExport): big-endian int32 il (the
// number of index entries) and dl (the data's length), il 16-byte entries {tag, type, offset, count}, then
// dl bytes of data that the offsets point into. NAME, VERSION, RELEASE and ARCH are strings, EPOCH an int32.
// A version is `[epoch:]version-release` as dnf prints it: the epoch only when it is not 0, since rpm compares
// a missing epoch as 0 (an explicit `Epoch: 0` and none are the same version in every cell).
//
// The file is read whole through the view (never opened where it lies) and opened by sql.js, SQLite compiled
// to WebAssembly, from that buffer in its own memory: no native code, no file on the host, no process. sql.js
// keeps one instance of its module per process (initSqlJs hands back the first); each database is closed once
// read, and a read runs start to end without an await, so two cells' reads never interleave in it.
// Per SQLite's advice on untrusted files (https://www.sqlite.org/security.html): the schema is not trusted
// (trusted_schema=OFF), cell sizes are checked, and only a real table's stored column is read, never a view
// or a generated column, which could compute for as long as they like; the rows are capped.
//
// rpm keeps the database in WAL mode: a write goes to rpmdb.sqlite-wal until a checkpoint folds it into the
// main file, which rpm does when it closes the database. A committed image or setup layer has it folded, but a
// layer committed while rpm had the database open would have its last transactions in the -wal file, which is
// not read here: those packages are missing. The main file is opened as a rollback-journal database (its
// header's WAL bytes set back to 1 in memory), so SQLite never looks for a -wal or -shm beside it.
//
// The BerkeleyDB backend (/var/lib/rpm/Packages: EL8, CentOS 7, openSUSE Leap ≤ 15.x) and ndb (Packages.db:
// openSUSE Tumbleweed and SLE) are other binary formats, not read: their note says so.

const SQLITE_DBS = ['/usr/lib/sysimage/rpm/rpmdb.sqlite', '/var/lib/rpm/rpmdb.sqlite'];
const OTHER_DBS = [
  { path: '/usr/lib/sysimage/rpm/Packages.db', format: 'ndb' },
  { path: '/var/lib/rpm/Packages.db', format: 'ndb' },
  { path: '/usr/lib/sysimage/rpm/Packages', format: 'BerkeleyDB' },
  { path: '/var/lib/rpm/Packages', format: 'BerkeleyDB' },
];
/** Packages read per database, as the view's cap on directory entries. */
export const RPM_ROW_CAP = 100_000;
/** rpm's own bounds on a header (lib/header_internal.h, hdrchkTags and hdrchkData). */
const MAX_TAGS = 0xffff;
const MAX_DATA = 0x0fffffff;

const TAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, arch: 1022 };
const TYPE = { int32: 4, string: 6, stringArray: 8, i18nString: 9 };

export async function readRpm(view: OverlayView): Promise<InstalledPackage[]> {
  for (const path of SQLITE_DBS) {
    const found = await view.resolve(path);
    if (found.kind === 'missing') continue;
    const bytes = await view.read(path, RPMDB_CAP);
    return bytes ? await readSqlite(view, path, bytes) : [];
  }
  for (const { path, format } of OTHER_DBS) {
    if ((await view.resolve(path)).kind !== 'missing') {
      view.note(`${path}: rpm's ${format} database, whose packages are not read on the host (only its sqlite one)`);
      return [];
    }
  }
  view.note(`no rpm database found (${SQLITE_DBS.join(', ')})`);
  return [];
}

/** The packages of an rpmdb.sqlite's bytes; what is not one, or not all of one, is noted. */
async function readSqlite(view: OverlayView, path: string, bytes: Buffer): Promise<InstalledPackage[]> {
  if (bytes.length < 100 || bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') {
    view.note(`${shown(path)}: not an SQLite database`);
    return [];
  }
  // WAL → rollback journal (see above), in the bytes read, which are this reader's own: never in the layer.
  if (bytes[18] === 2) bytes[18] = 1;
  if (bytes[19] === 2) bytes[19] = 1;
  const SQL = await sqlJs();
  let db: import('sql.js').Database | undefined;
  try {
    db = new SQL.Database(bytes);
    db.exec('PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON; PRAGMA query_only = ON;');
    const why = notRpmsTable(db);
    if (why) {
      view.note(`${shown(path)}: not rpm's database (${why})`);
      return [];
    }
    const out: InstalledPackage[] = [];
    let malformed = 0;
    const rows = db.prepare(`SELECT blob FROM Packages LIMIT ${RPM_ROW_CAP + 1}`);
    try {
      let n = 0;
      while (rows.step()) {
        if (++n > RPM_ROW_CAP) {
          view.note(`${shown(path)}: read in part (over the cap of ${RPM_ROW_CAP} packages)`);
          break;
        }
        const blob = rows.get()[0];
        const p = blob instanceof Uint8Array ? packageOf(blob) : undefined;
        if (p) out.push(p);
        else malformed++;
      }
    } finally {
      rows.free();
    }
    if (malformed > 0) view.note(`${shown(path)}: ${malformed} malformed package header(s) skipped`);
    return out;
  } catch (e) {
    view.note(`${shown(path)}: not read (${oneLine(e)})`);
    return [];
  } finally {
    db?.close();
  }
}

/**
 * Why `db`'s Packages is not a table whose blob column is stored as written (rather than a view, a virtual table
 * or a generated column, which compute when read), or undefined when it is.
 */
function notRpmsTable(db: import('sql.js').Database): string | undefined {
  const [type, sql] = db.exec("SELECT type, sql FROM sqlite_schema WHERE name = 'Packages'")[0]?.values[0] ?? [];
  if (type !== 'table') return type === undefined ? 'no Packages table' : `Packages is a ${String(type)}`;
  if (/^\s*CREATE\s+VIRTUAL\b/i.test(String(sql))) return 'Packages is a virtual table';
  // table_xinfo's `hidden`: 0 a stored column, 2 and 3 generated ones (computed on every read).
  const columns = db.exec("SELECT name, hidden FROM pragma_table_xinfo('Packages')")[0]?.values ?? [];
  const blob = columns.find((c) => c[0] === 'blob');
  if (!blob) return 'Packages has no blob column';
  if (columns.some((c) => c[1] !== 0)) return 'Packages has a generated column';
  return undefined;
}

/** A package from one rpm header blob, or undefined when it is malformed or lacks a name, version or release. */
export function packageOf(blob: Uint8Array): InstalledPackage | undefined {
  const h = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (h.length < 8) return undefined;
  const il = h.readUInt32BE(0);
  const dl = h.readUInt32BE(4);
  if (il > MAX_TAGS || dl > MAX_DATA) return undefined;
  const dataStart = 8 + il * 16;
  if (dataStart + dl > h.length) return undefined;
  const data = h.subarray(dataStart, dataStart + dl);
  const strings = new Map<number, string>();
  let epoch: number | undefined;
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const [tag, type, offset, count] = [0, 4, 8, 12].map((d) => h.readInt32BE(at + d));
    if (tag === TAG.epoch) {
      if (type !== TYPE.int32 || count < 1 || offset < 0 || offset % 4 !== 0 || offset + 4 > dl) return undefined;
      epoch = data.readUInt32BE(offset);
    } else if (tag === TAG.name || tag === TAG.version || tag === TAG.release || tag === TAG.arch) {
      const text = type === TYPE.string || type === TYPE.stringArray || type === TYPE.i18nString;
      if (!text || count < 1 || offset < 0 || offset >= dl) return undefined;
      const end = data.indexOf(0, offset);
      if (end < 0) return undefined; // no NUL before the end of the data
      strings.set(tag, data.toString('utf8', offset, end));
    }
  }
  const [name, version, release] = [TAG.name, TAG.version, TAG.release].map((t) => strings.get(t));
  if (!name || version === undefined || release === undefined) return undefined;
  const arch = strings.get(TAG.arch);
  return {
    name,
    version: `${epoch ? `${epoch}:` : ''}${version}-${release}`,
    ...(arch && { arch }),
  };
}

/**
 * sql.js's module: loaded only when an rpm database is read (a dynamic import, so no other command pays for it),
 * its wasm file found beside its JavaScript in node_modules by Node's own resolution, from dist/ as from the
 * bundle (scripts/bundle.mjs leaves the dependencies in node_modules).
 */
async function sqlJs(): Promise<import('sql.js').SqlJsStatic> {
  const initSqlJs = (await import('sql.js')).default;
  const require = createRequire(import.meta.url);
  return initSqlJs({ locateFile: (file: string) => require.resolve(`sql.js/dist/${file}`) });
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return shown(text.split('\n')[0] || 'unreadable');
}
