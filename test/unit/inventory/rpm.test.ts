import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPackageInventory } from '../../../src/inventory/index.js';
import { packageOf } from '../../../src/inventory/rpm.js';
import { makeLayers, put, removeLayers, type Layers } from './layers.js';

// rpm's sqlite database, made at test time by rpm itself (Debian's `rpm` package: rpm and rpmbuild, installed by
// scripts/setup-host.sh): a few empty noarch packages built from specs and installed into a layer with --justdb,
// then read back and compared with what `rpm -qa` says of the same database. Hand-made databases (written with
// sql.js) give the malformed cases rpm never writes.

const run = promisify(execFile);
const SYSIMAGE = '/usr/lib/sysimage/rpm';

interface Spec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
}

const SPECS: Spec[] = [
  { name: 'glibc', version: '2.39', release: '3.fc40' },
  { name: 'gcc', version: '14.2.1', release: '3.fc40', epoch: 2 },
  { name: 'clang', version: '18.1.8', release: '1.fc40', epoch: 0 },
  { name: 'bash', version: '5.2.26', release: '3.fc40' },
];

let work: string;
let rpms: string[];

/** rpm's programs, or a failure that says how to get them: the tests never skip. */
async function tool(name: string): Promise<string> {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin']) {
    const path = join(dir, name);
    if (
      await run(path, ['--version']).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new Error(`${name} is not installed: the rpm tests need Debian's rpm package (apt-get install rpm)`);
}

beforeAll(async () => {
  const rpmbuild = await tool('rpmbuild');
  work = await mkdtemp(join(tmpdir(), 'vmx-rpm-'));
  for (const s of SPECS) {
    const spec = join(work, `${s.name}.spec`);
    const epoch = s.epoch === undefined ? '' : `Epoch: ${s.epoch}\n`;
    await writeFile(
      spec,
      `Name: ${s.name}\nVersion: ${s.version}\nRelease: ${s.release}\n${epoch}Summary: test\nLicense: MIT\n` +
        'BuildArch: noarch\n%description\ntest\n%files\n',
    );
    const defines = ['_topdir', join(work, 'top'), '_tmppath', join(work, 'tmp')];
    const args = defines.flatMap((d, i) => (i % 2 === 0 ? ['--define', `${d} ${defines[i + 1]}`] : []));
    await run(rpmbuild, [...args, '--quiet', '-bb', spec], { env: { ...process.env, HOME: work } });
  }
  const out = join(work, 'top/RPMS/noarch');
  rpms = (await readdir(out)).map((f) => join(out, f));
}, 120_000);

afterAll(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

let l: Layers;
beforeEach(async () => {
  l = await makeLayers();
});
afterEach(() => removeLayers(l));

function rpmArgs(root: string, dbpath: string): string[] {
  return ['--root', root, '--dbpath', dbpath, '--define', '_db_backend sqlite'];
}

/** Installs `files` (all the test's packages by default) into the database of the root `root`. */
async function install(root: string, dbpath: string, files = rpms): Promise<void> {
  await run(await tool('rpm'), [...rpmArgs(root, dbpath), '--nodeps', '--justdb', '-i', ...files]);
}

/** What rpm itself lists, as the reader should: name, `[epoch:]version-release` without epoch 0, arch. */
async function rpmQa(root: string, dbpath: string) {
  const { stdout } = await run(await tool('rpm'), [
    ...rpmArgs(root, dbpath),
    '-qa',
    '--qf',
    '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n',
  ]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [name, evr, arch] = line.split('\t');
      return { name, version: evr.replace(/^0:/, ''), arch };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

describe('rpm, from a database rpm wrote', () => {
  it('lists what rpm -qa lists, with glibc as the libc and gcc and clang as compilers', async () => {
    await install(l.lower, SYSIMAGE);
    const inv = await readPackageInventory(l.lowerdirs, 'dnf');
    const expected = await rpmQa(l.lower, SYSIMAGE);
    expect(expected).toHaveLength(SPECS.length);
    expect(inv.packages).toEqual(expected);
    expect(inv.packages.find((p) => p.name === 'gcc')?.version).toBe('2:14.2.1-3.fc40');
    expect(inv.packages.find((p) => p.name === 'clang')?.version).toBe('18.1.8-1.fc40');
    expect(inv.packagesNote).toBeUndefined();
    expect(inv.libc).toEqual({ name: 'glibc', version: '2.39-3.fc40', from: 'glibc' });
    expect(inv.compilers).toEqual([
      { name: 'clang', version: '18.1.8-1.fc40', from: 'clang' },
      { name: 'gcc', version: '2:14.2.1-3.fc40', from: 'gcc' },
    ]);
  });

  it("reads /var/lib/rpm (EL9, Amazon Linux 2023), the setup layer's packages over the image's", async () => {
    const [bash, ...rest] = [...rpms].sort((a, b) => (a.includes('/bash-') ? -1 : b.includes('/bash-') ? 1 : 0));
    await install(l.lower, '/var/lib/rpm', [bash]);
    // The setup layer's copy of the database is the whole database: the image's bash and what setup added.
    await install(l.upper, '/var/lib/rpm', [bash, ...rest]);
    const inv = await readPackageInventory(l.lowerdirs, 'yum');
    expect(inv.packages).toEqual(await rpmQa(l.upper, '/var/lib/rpm'));
    expect(inv.packagesNote).toBeUndefined();
  });

  it('follows /var/lib/rpm → ../../usr/lib/sysimage/rpm, and links resolved inside the root', async () => {
    await install(l.upper, SYSIMAGE);
    await mkdir(join(l.lower, 'var/lib'), { recursive: true });
    await symlink('../../usr/lib/sysimage/rpm', join(l.lower, 'var/lib/rpm'));
    const inv = await readPackageInventory(l.lowerdirs, 'dnf');
    expect(inv.packages).toEqual(await rpmQa(l.upper, SYSIMAGE));

    // The other way round, absolute: /usr/lib/sysimage/rpm → /var/lib/rpm is the root's, never the host's.
    const other = await makeLayers();
    try {
      await install(other.lower, '/var/lib/rpm');
      await mkdir(join(other.lower, 'usr/lib/sysimage'), { recursive: true });
      await symlink('/var/lib/rpm', join(other.lower, 'usr/lib/sysimage/rpm'));
      const linked = await readPackageInventory(other.lowerdirs, 'zypper');
      expect(linked.packages.map((p) => p.name)).toEqual(['bash', 'clang', 'gcc', 'glibc']);
      expect(linked.packagesNote).toBeUndefined();
    } finally {
      await removeLayers(other);
    }
  });

  it('reads the main file only: a -wal beside it is not opened', async () => {
    await install(l.lower, SYSIMAGE);
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite-wal`, Buffer.alloc(4096, 0xee));
    const inv = await readPackageInventory(l.lowerdirs, 'dnf');
    expect(inv.packages).toHaveLength(SPECS.length);
    expect(inv.packagesNote).toBeUndefined();
  });
});

describe('rpm, refused or in part', () => {
  it('says a file that is no SQLite database is not one, or not rpm’s', async () => {
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite`, Buffer.from('not a database at all\n'.repeat(50)));
    expect((await readPackageInventory(l.lowerdirs, 'dnf')).packagesNote).toBe(
      `${SYSIMAGE}/rpmdb.sqlite: not an SQLite database`,
    );
    // SQLite's magic, then noise: SQLite's own word for it.
    const noise = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8176, 0xa5)]);
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite`, noise);
    const inv = await readPackageInventory(l.lowerdirs, 'dnf');
    expect(inv.packages).toEqual([]);
    expect(inv.packagesNote).toMatch(/^\/usr\/lib\/sysimage\/rpm\/rpmdb\.sqlite: not (read \(.+\)|rpm's database)/);
    // What a database whose writes all sit in its WAL leaves in the main file: nothing.
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite`, '');
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite-wal`, Buffer.alloc(8192, 1));
    expect((await readPackageInventory(l.lowerdirs, 'dnf')).packagesNote).toBe(
      `${SYSIMAGE}/rpmdb.sqlite: not an SQLite database`,
    );
  });

  it('skips malformed headers and counts them', async () => {
    const good = header([
      [1000, 6, 'gcc'],
      [1001, 6, '14.2.1'],
      [1002, 6, '3.fc40'],
      [1022, 6, 'x86_64'],
    ]);
    const badOffset = Buffer.from(good);
    badOffset.writeInt32BE(0x7fff0000, 8 + 8); // the first entry's offset, far past the data
    const truncated = good.subarray(0, good.length - 5);
    await put(
      l.lower,
      `${SYSIMAGE}/rpmdb.sqlite`,
      await database([good, badOffset, truncated, Buffer.alloc(3), 'a text, not a blob']),
    );
    const inv = await readPackageInventory(l.lowerdirs, 'dnf');
    expect(inv.packages).toEqual([{ name: 'gcc', version: '14.2.1-3.fc40', arch: 'x86_64' }]);
    expect(inv.packagesNote).toBe(`${SYSIMAGE}/rpmdb.sqlite: 4 malformed package header(s) skipped`);
  });

  it('reads no view, virtual table or generated column, which could compute without end', async () => {
    const view =
      'CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) ' +
      'SELECT x AS hnum, x AS blob FROM c';
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite`, await database([], view));
    expect((await readPackageInventory(l.lowerdirs, 'dnf')).packagesNote).toBe(
      `${SYSIMAGE}/rpmdb.sqlite: not rpm's database (Packages is a view)`,
    );
    const generated = 'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob AS (zeroblob(100000000)))';
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite`, await database([], generated));
    expect((await readPackageInventory(l.lowerdirs, 'dnf')).packagesNote).toBe(
      `${SYSIMAGE}/rpmdb.sqlite: not rpm's database (Packages has a generated column)`,
    );
    await put(
      l.lower,
      `${SYSIMAGE}/rpmdb.sqlite`,
      await database([], 'CREATE VIRTUAL TABLE Packages USING fts4(blob)'),
    );
    expect((await readPackageInventory(l.lowerdirs, 'dnf')).packagesNote).toBe(
      `${SYSIMAGE}/rpmdb.sqlite: not rpm's database (Packages is a virtual table)`,
    );
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite`, await database([], 'CREATE TABLE Other (x)'));
    expect((await readPackageInventory(l.lowerdirs, 'dnf')).packagesNote).toBe(
      `${SYSIMAGE}/rpmdb.sqlite: not rpm's database (no Packages table)`,
    );
  });

  it('names the BerkeleyDB and ndb databases it does not read, and says when there is none', async () => {
    await put(l.lower, 'var/lib/rpm/Packages', Buffer.alloc(4096, 0x61));
    expect((await readPackageInventory(l.lowerdirs, 'yum')).packagesNote).toBe(
      "/var/lib/rpm/Packages: rpm's BerkeleyDB database, whose packages are not read on the host (only its sqlite one)",
    );
    await put(l.upper, `${SYSIMAGE}/Packages.db`, Buffer.alloc(4096, 0x62));
    expect((await readPackageInventory(l.lowerdirs, 'zypper')).packagesNote).toMatch(/^\S+Packages\.db: rpm's ndb /);
    const empty = await makeLayers();
    try {
      expect((await readPackageInventory(empty.lowerdirs, 'dnf')).packagesNote).toBe(
        `no rpm database found (${SYSIMAGE}/rpmdb.sqlite, /var/lib/rpm/rpmdb.sqlite)`,
      );
    } finally {
      await removeLayers(empty);
    }
  });
});

describe('rpm families', () => {
  it("lists openSUSE's versioned gcc14 and clang19 beside its gcc and clang", async () => {
    const pkg = (name: string, version: string) =>
      header([
        [1000, 6, name],
        [1001, 6, version],
        [1002, 6, '1.1'],
        [1022, 6, 'x86_64'],
      ]);
    const blobs = [pkg('gcc', '14'), pkg('gcc14', '14.2.1+git10526'), pkg('clang19', '19.1.7'), pkg('glibc', '2.40')];
    await put(l.lower, `${SYSIMAGE}/rpmdb.sqlite`, await database(blobs));
    const inv = await readPackageInventory(l.lowerdirs, 'zypper');
    expect(inv.compilers.map((c) => c.from)).toEqual(['clang19', 'gcc', 'gcc14']);
    expect(inv.libc).toEqual({ name: 'glibc', version: '2.40-1.1', from: 'glibc' });
    const fedora = await readPackageInventory(l.lowerdirs, 'dnf');
    expect(fedora.compilers.map((c) => c.from)).toEqual(['gcc']);
  });
});

describe('packageOf, one header blob', () => {
  it('reads name, [epoch:]version-release and arch, and leaves out epoch 0 and a missing arch', () => {
    const base: Entry[] = [
      [1000, 6, 'gpg-pubkey'],
      [1001, 6, 'a15b79cc'],
      [1002, 6, '63d04c2c'],
    ];
    expect(packageOf(header(base))).toEqual({ name: 'gpg-pubkey', version: 'a15b79cc-63d04c2c' });
    expect(packageOf(header([...base, [1003, 4, 7]]))?.version).toBe('7:a15b79cc-63d04c2c');
    expect(packageOf(header([...base, [1003, 4, 0]]))?.version).toBe('a15b79cc-63d04c2c');
  });

  it('refuses what does not add up', () => {
    const ok = header([
      [1000, 6, 'a'],
      [1001, 6, '1'],
      [1002, 6, '1'],
    ]);
    expect(packageOf(ok)).toEqual({ name: 'a', version: '1-1' });
    const huge = Buffer.from(ok);
    huge.writeUInt32BE(0xffffffff, 0); // il
    expect(packageOf(huge)).toBeUndefined();
    const negative = Buffer.from(ok);
    negative.writeInt32BE(-4, 8 + 8);
    expect(packageOf(negative)).toBeUndefined();
    const noNul = Buffer.from(ok);
    noNul[noNul.length - 1] = 0x41; // the last string runs off the end
    expect(packageOf(noNul)).toBeUndefined();
    const epochAsString = header([
      [1000, 6, 'a'],
      [1001, 6, '1'],
      [1002, 6, '1'],
      [1003, 6, '2'],
    ]);
    expect(packageOf(epochAsString)).toBeUndefined();
    expect(packageOf(header([[1000, 6, 'a']]))).toBeUndefined(); // no version
    expect(packageOf(new Uint8Array(0))).toBeUndefined();
  });
});

/** [tag, type, value]: a string (types 6, 8, 9) or an int32 (type 4). */
type Entry = [number, number, string | number];

/** An rpm header blob as rpmdb stores it: il, dl, the index entries, then the data (int32s 4-aligned). */
function header(entries: Entry[]): Buffer {
  const index = Buffer.alloc(entries.length * 16);
  const parts: Buffer[] = [];
  let dl = 0;
  entries.forEach(([tag, type, value], i) => {
    let bytes: Buffer;
    if (typeof value === 'number') {
      const pad = (4 - (dl % 4)) % 4;
      parts.push(Buffer.alloc(pad));
      dl += pad;
      bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value);
    } else {
      bytes = Buffer.from(`${value}\0`);
    }
    index.writeInt32BE(tag, i * 16);
    index.writeInt32BE(type, i * 16 + 4);
    index.writeInt32BE(dl, i * 16 + 8);
    index.writeInt32BE(1, i * 16 + 12);
    parts.push(bytes);
    dl += bytes.length;
  });
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(dl, 4);
  return Buffer.concat([head, index, ...parts]);
}

/** A hand-made rpmdb.sqlite: rpm's Packages table holding `blobs`, or the schema `schema` instead. */
async function database(blobs: (Buffer | string)[], schema?: string): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const initSqlJs = (await import('sql.js')).default;
  const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  const db = new SQL.Database();
  try {
    db.run(schema ?? "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)");
    for (const b of blobs) db.run('INSERT INTO Packages (blob) VALUES (?)', [b]);
    return Buffer.from(db.export());
  } finally {
    db.close();
  }
}
