import type { BigIntStats } from 'node:fs';

// A file's stamp: the stat fields that change whenever its content does, as git compares them (size, mtime,
// ctime, inode; 32 bits each, as git's index stores them). A stamp vouches for a content only when the file
// was last changed in an earlier second than the one the content was recorded in: a write in the same
// second can leave every field as it was ("racy git"), and a stamp that is not strictly older is not trusted.

export interface Stamp {
  size: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
  ino: number;
}

const low32 = (n: bigint): number => Number(BigInt.asUintN(32, n));
const NS = 1_000_000_000n;

export function stampOf(st: BigIntStats): Stamp {
  return {
    size: low32(st.size),
    mtimeSec: low32(st.mtimeNs / NS),
    mtimeNsec: Number(st.mtimeNs % NS),
    ctimeSec: low32(st.ctimeNs / NS),
    ctimeNsec: Number(st.ctimeNs % NS),
    ino: low32(st.ino),
  };
}

/** Whether `actual` is the file `expected` describes. Nanoseconds of 0 were not recorded (a git built without them). */
export function sameStamp(expected: Stamp, actual: Stamp): boolean {
  return (
    expected.size === actual.size &&
    expected.ino === actual.ino &&
    expected.mtimeSec === actual.mtimeSec &&
    expected.ctimeSec === actual.ctimeSec &&
    (expected.mtimeNsec === 0 || expected.mtimeNsec === actual.mtimeNsec) &&
    (expected.ctimeNsec === 0 || expected.ctimeNsec === actual.ctimeNsec)
  );
}

/** Whether a file with this stamp was last changed (content or inode) before the second `sinceSec` began. */
export function settledBefore(stamp: Pick<Stamp, 'mtimeSec' | 'ctimeSec'>, sinceSec: number): boolean {
  return stamp.mtimeSec < sinceSec && stamp.ctimeSec < sinceSec;
}
