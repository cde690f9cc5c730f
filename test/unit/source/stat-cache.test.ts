import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sameStamp, type Stamp } from '../../../src/source/stamp.js';
import { StatCache } from '../../../src/source/stat-cache.js';
import { storeMaker } from '../../helpers/store.js';

// The stat cache gives back a hash only for a file whose stamp is unchanged and had settled (last changed in
// an earlier second) when the run that recorded it started: a write in that second could keep the stamp.

const base = await mkdtemp(join(tmpdir(), 'vmx-statcache-'));
afterAll(() => rm(base, { recursive: true, force: true }));
const freshStore = storeMaker(base);

const stamp = (mtimeSec: number, more: Partial<Stamp> = {}): Stamp => ({
  size: 5,
  mtimeSec,
  mtimeNsec: 7,
  ctimeSec: mtimeSec,
  ctimeNsec: 7,
  ino: 42,
  ...more,
});
const ID = 'a'.repeat(40);

describe('StatCache', () => {
  it('finds a hash again only for the same mode and stamp, settled before the recording run started', async () => {
    const store = await freshStore();
    const first = await StatCache.open(store, '/project');
    const { startedSec: t0 } = await first.begin();
    first.record('settled', { mode: 0o100644, stamp: stamp(t0 - 1), id: ID });
    first.record('same-second', { mode: 0o100644, stamp: stamp(t0), id: ID });
    first.record('touched-later', { mode: 0o100644, stamp: stamp(t0 - 1, { ctimeSec: t0 }), id: ID });
    await first.save('0123456789abcdef');

    const second = await StatCache.open(store, '/project');
    expect(second.last).toBe('0123456789abcdef');
    expect(second.lookup('settled', 0o100644, stamp(t0 - 1))).toBe(ID);
    expect(second.lookup('same-second', 0o100644, stamp(t0))).toBeUndefined();
    expect(second.lookup('touched-later', 0o100644, stamp(t0 - 1, { ctimeSec: t0 }))).toBeUndefined();
    expect(second.lookup('settled', 0o100755, stamp(t0 - 1))).toBeUndefined();
    for (const changed of [{ size: 6 }, { mtimeNsec: 8 }, { ctimeSec: t0 - 2 }, { ino: 43 }]) {
      expect(second.lookup('settled', 0o100644, stamp(t0 - 1, changed)), JSON.stringify(changed)).toBeUndefined();
    }
    expect(second.lookup('unknown', 0o100644, stamp(t0 - 1))).toBeUndefined();
    await second.abandon();
    expect(await StatCache.open(store, '/another-project').then((c) => c.last)).toBeUndefined();
  });

  it('writes when a hash or the last snapshot changed, else nothing, and leaves no file in tmp/', async () => {
    const untouched = await freshStore();
    await (await StatCache.open(untouched, '/p')).save('id-of-nothing-hashed');
    expect(await readdir(join(untouched.root, 'source-cache'))).toHaveLength(1);

    const store = await freshStore();
    const first = await StatCache.open(store, '/p');
    const { startedSec } = await first.begin();
    first.record('f', { mode: 0o100644, stamp: stamp(startedSec - 10), id: ID });
    await first.save('id');
    const [file] = await readdir(join(store.root, 'source-cache'));
    const written = await readFile(join(store.root, 'source-cache', file!));

    const second = await StatCache.open(store, '/p');
    second.record('f', {
      mode: 0o100644,
      stamp: stamp(startedSec - 10),
      id: second.lookup('f', 0o100644, stamp(startedSec - 10))!,
    });
    await second.save('id');
    expect(await readFile(join(store.root, 'source-cache', file!))).toEqual(written);
    expect(await readdir(store.tmpDir())).toEqual([]);
  });

  it('reads a cache cut short, or of another format, as empty', async () => {
    const store = await freshStore();
    const first = await StatCache.open(store, '/p');
    const { startedSec } = await first.begin();
    for (let i = 0; i < 100; i++) first.record(`f${i}`, { mode: 0o100644, stamp: stamp(startedSec - 10), id: ID });
    await first.save('id');
    const [name] = await readdir(join(store.root, 'source-cache'));
    const path = join(store.root, 'source-cache', name!);
    const whole = await readFile(path);
    for (const broken of [
      whole.subarray(0, whole.length - 20),
      Buffer.from('{"format":"something else"}\n'),
      Buffer.from('garbage'),
    ]) {
      await writeFile(path, broken);
      const cache = await StatCache.open(store, '/p');
      expect(cache.lookup('f1', 0o100644, stamp(startedSec - 10))).toBeUndefined();
      expect(cache.last).toBeUndefined();
      await cache.abandon();
    }
  });
});

describe('sameStamp', () => {
  it('counts nanoseconds of 0 as not recorded (a git built without them)', () => {
    expect(sameStamp(stamp(5, { mtimeNsec: 0, ctimeNsec: 0 }), stamp(5))).toBe(true);
    expect(sameStamp(stamp(5), stamp(5, { mtimeNsec: 0 }))).toBe(false);
  });
});
