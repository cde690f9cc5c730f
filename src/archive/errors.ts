import { envError, isVmError, messageOf, type VmError } from '../util/errors.js';
import { inertLine } from '../util/inert.js';
import { LIMIT_VARIABLES, type TunableLimit } from './limits.js';

const HINT = 'the archive is damaged or was not made for this tool; check where it came from';

/** An entry that would write outside the root, or that the extractor refuses on principle. */
export function unsafe(name: string, reason: string): VmError {
  return envError('ARCHIVE_UNSAFE', `archive entry "${printable(name)}": ${reason}`, { hint: HINT });
}

/** A malformed archive, or a feature we fail closed on (sparse files, unknown entry types). */
export function invalid(name: string, reason: string): VmError {
  return envError('ARCHIVE_INVALID', `archive entry "${printable(name)}": ${reason}`, { hint: HINT });
}

/**
 * `at`: the entry that went over the limit, when one did. `limit`: the budget, when the operator can raise
 * it (the hint names its variable).
 */
export function overLimit(what: string, at?: string, limit?: TunableLimit): VmError {
  const where = at === undefined ? 'archive' : `archive entry "${printable(at)}"`;
  const raise = limit
    ? `: raise ${LIMIT_VARIABLES[limit]} only if you trust the source`
    : ': raise the limit only if you trust the source';
  return envError('ARCHIVE_LIMIT', `${where} exceeds the limit on ${what}`, {
    hint: `a decompression bomb, or a root far larger than any distro${raise}`,
  });
}

/** The error, naming the archive (a URL, a blob) it came from when it is a limit the archive went over. */
export function inArchive(e: VmError, archive: string | undefined): VmError {
  if (archive === undefined || e.code !== 'ARCHIVE_LIMIT') return e;
  return envError(e.code, `${archive}: ${e.message}`, { hint: e.hint, cause: e });
}

/** Our errors pass through; a parser error, a failed syscall or a broken stream names the entry it happened at. */
export function asArchiveError(e: unknown, at: string | undefined): VmError {
  if (isVmError(e) && e.code === 'DECOMPRESS_FAILED' && at !== undefined) {
    return envError(e.code, `${e.message} (after archive entry "${printable(at)}")`, {
      hint: e.hint ?? HINT,
      cause: e,
    });
  }
  if (isVmError(e)) return e;
  const errno = (e as NodeJS.ErrnoException).code;
  if (errno)
    return envError('EXTRACT_FAILED', `extracting ${at ? `"${printable(at)}"` : 'the archive'}: ${messageOf(e)}`, {
      cause: e,
    });
  return envError(
    'ARCHIVE_INVALID',
    `not a valid tar archive${at ? ` (after "${printable(at)}")` : ''}: ${messageOf(e)}`,
    { hint: HINT, cause: e },
  );
}

/** Names come from the archive: keep control characters out of terminal output, and a giant name short. */
export function printable(name: string): string {
  const clean = inertLine(name);
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}
