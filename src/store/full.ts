import { envError, isVmError } from '../util/errors.js';

// A write into the store that does not fit is the host's problem, and one the user can fix: its errno
// (ENOSPC, or EDQUOT for a quota), however deep in a chain of causes, becomes one error that says which
// store is full and what to do about it.

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);
const MAX_DEPTH = 8;

/** The ENOSPC or EDQUOT error behind `e`: `e` itself or one of its causes. */
export function noSpaceErrno(e: unknown): NodeJS.ErrnoException | undefined {
  let at = e;
  for (let depth = 0; at instanceof Error && depth < MAX_DEPTH; depth++) {
    if (NO_SPACE.has((at as NodeJS.ErrnoException).code ?? '')) return at;
    at = at.cause;
  }
  return undefined;
}

/** `e` as a STORE_FULL error when it comes from a write into the store at `root` that did not fit; else `e`. */
export function asStoreFull(root: string, doing: string, e: unknown): unknown {
  if (isVmError(e) && e.code === 'STORE_FULL') return e;
  const errno = noSpaceErrno(e);
  if (!errno) return e;
  const why = errno.code === 'EDQUOT' ? 'the disk quota of its filesystem is used up' : 'its filesystem is full';
  return envError('STORE_FULL', `no space left in the store ${root} while ${doing}: ${why}`, {
    hint:
      'free space on that filesystem (`vmatrix image prune` removes images and layers not used lately), ' +
      'or set VMATRIX_HOME to a directory on a filesystem with more room',
    cause: e,
  });
}
