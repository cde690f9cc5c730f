import type { Component } from './types.js';
import type { OverlayView } from './overlay.js';
import { LIBRARY_CAP } from './read.js';

// The C library when no package says (rpm's BerkeleyDB database is not read, busybox has none): glibc's libc.so.6
// carries its banner, `GNU C Library (<vendor>) stable release version 2.34.`, which `/lib/libc.so.6` prints
// when run; here it is searched for in the file's bytes instead. musl carries no such marker (its version is
// only printed by its loader when run as ldd), so a musl root without apk's word has no libc entry.

const DIRS = ['/lib64', '/usr/lib64', '/lib', '/usr/lib'];
const BANNER = Buffer.from('GNU C Library');
const RELEASE = /^GNU C Library \([^)\n]*\) (?:[a-z]+ )?release version (\d+\.\d+(?:\.\d+)?)/;

/** glibc's version from its libc.so.6, looked for where distros put it (multiarch triplet dirs included). */
export async function libcFromFiles(view: OverlayView): Promise<Component | undefined> {
  for (const dir of await libDirs(view)) {
    const path = `${dir}/libc.so.6`;
    const bytes = await view.read(path, LIBRARY_CAP, { mode: 'prefix' });
    const version = bytes && glibcVersion(bytes);
    if (version) return { name: 'glibc', version, from: path };
  }
  return undefined;
}

/** The version in a glibc banner found in `bytes`. */
export function glibcVersion(bytes: Buffer): string | undefined {
  for (let at = bytes.indexOf(BANNER); at !== -1; at = bytes.indexOf(BANNER, at + 1)) {
    const m = RELEASE.exec(bytes.toString('latin1', at, at + 200));
    if (m) return m[1];
  }
  return undefined;
}

/** /lib64, /usr/lib64, /lib, /usr/lib, then their `*-linux-gnu*` dirs (Debian's /usr/lib/x86_64-linux-gnu). */
async function libDirs(view: OverlayView): Promise<string[]> {
  const triplets: string[] = [];
  for (const dir of ['/lib', '/usr/lib']) {
    for (const name of (await view.list(dir)) ?? [])
      if (/-linux-gnu/.test(name) && !name.includes('/')) triplets.push(`${dir}/${name}`);
  }
  return [...DIRS, ...triplets];
}
