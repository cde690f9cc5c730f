import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { formatSize } from '../util/size.js';

// One file of a cell's layer, read on the host. The layers are written by the project's setup commands, so a
// name may be a FIFO (an open without O_NONBLOCK would wait for a writer forever), a device (/dev/zero never
// ends), a symlink (to anywhere on the host) or a file of any size: the file is opened without following a
// link and without blocking, read only if fstat says it is a regular file, and never past a cap.

/** A package manager's whole database (dpkg's status, apk's installed, xbps's pkgdb). */
export const DATABASE_CAP = 32 * 2 ** 20;
/**
 * rpm's rpmdb.sqlite, which holds every package's whole header (its file list too): 5–60 MB on Fedora, more
 * with many packages; as much as BYTES_CAP, the most one inventory reads.
 */
export const RPMDB_CAP = 256 * 2 ** 20;
/** One package's own file (pacman's desc, one of dpkg's updates). */
export const PACKAGE_FILE_CAP = 4 * 2 ** 20;
/** How much of a C library is searched for its version string. */
export const LIBRARY_CAP = 16 * 2 ** 20;

export type Read = { bytes: Buffer } | { refused: string };

/**
 * `host`'s bytes: all of them (`whole`, refused when over `cap`) or the first `cap` (`prefix`). The open is
 * O_NOFOLLOW|O_NONBLOCK, so neither a link swapped in since the name was resolved nor a FIFO is waited on.
 */
export async function readRegular(host: string, cap: number, mode: 'whole' | 'prefix' = 'whole'): Promise<Read> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
  const file = await open(host, flags).catch((e: NodeJS.ErrnoException) => e);
  if (file instanceof Error)
    return { refused: file.code === 'ELOOP' ? 'a symbolic link' : (file.code ?? 'unreadable') };
  try {
    const st = await file.stat();
    if (!st.isFile()) return { refused: 'not a regular file' };
    if (mode === 'whole' && st.size > cap)
      return { refused: `${formatSize(st.size)}, over the ${formatSize(cap)} cap` };
    const bytes = Buffer.allocUnsafe(Math.min(st.size, cap));
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await file.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break; // shorter than fstat said: what is there is what there is
      filled += bytesRead;
    }
    return { bytes: bytes.subarray(0, filled) };
  } finally {
    await file.close();
  }
}
