import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// PAX extended headers, and the part of tar-stream that parse.ts builds on: its `headers` module, which
// decodes a 512-byte header block. Two gaps of tar-stream 3 that matter to a distro root are closed here:
// 1. It decodes every PAX value as UTF-8, which destroys binary values: GNU tar stores an xattr
//    (`SCHILY.xattr.security.capability`) as raw bytes, and any byte >= 0x80 (cap_setuid is 0x80)
//    would become U+FFFD. Our decoder keeps xattr values byte-for-byte as latin1 strings.
// 2. A global PAX header (`g`) that sets `path` or `size` would rename some entries and not others
//    in tar-stream: parsers disagree, which is how smuggling attacks work (CVE-2025-62518). A global
//    header may only carry comments.

interface TarHeaders {
  decode(buf: Buffer, filenameEncoding: string, allowUnknownFormat: boolean): unknown;
  decodeLongPath(buf: Buffer, encoding: string): string;
}

const require = createRequire(import.meta.url);
/** tar-stream's header codec; not part of its documented API, hence the check below. */
export const tarHeaders = require(join(dirname(require.resolve('tar-stream')), 'headers.js')) as TarHeaders;
if (typeof tarHeaders.decode !== 'function' || typeof tarHeaders.decodeLongPath !== 'function') {
  throw new Error('tar-stream internals changed: update src/archive/pax.ts');
}

const BINARY_KEY_PREFIXES = ['SCHILY.xattr.'];
const GLOBAL_KEYS_ALLOWED = new Set(['comment', 'charset', 'hdrcharset']);

/** Parses PAX records `<len> <key>=<value>\n`, failing on malformed ones instead of stopping early. */
export function decodePax(buf: Buffer): Record<string, string> {
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  let at = 0;
  while (at < buf.length) {
    if (buf[at] === 0) break; // NUL padding after the last record
    const space = buf.indexOf(0x20, at);
    const len = Number(buf.toString('latin1', at, space));
    if (
      space < 0 ||
      !Number.isSafeInteger(len) ||
      len <= space - at + 1 ||
      at + len > buf.length ||
      buf[at + len - 1] !== 0x0a
    ) {
      throw new Error('malformed PAX extended header');
    }
    const eq = buf.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= at + len - 1) throw new Error('malformed PAX extended header');
    const key = buf.toString('utf8', space + 1, eq);
    const binary = BINARY_KEY_PREFIXES.some((p) => key.startsWith(p));
    result[key] = buf.toString(binary ? 'latin1' : 'utf8', eq + 1, at + len - 1);
    at += len;
  }
  return result;
}

/** A global PAX header: only comments are accepted. */
export function decodeGlobalPax(buf: Buffer): Record<string, string> {
  const pax = decodePax(buf);
  const bad = Object.keys(pax).filter((k) => !GLOBAL_KEYS_ALLOWED.has(k));
  if (bad.length)
    throw new Error(`global PAX header sets ${bad.join(', ')}: refused (only comments are accepted there)`);
  return pax;
}
