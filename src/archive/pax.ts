import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import tar from 'tar-stream';

// Two gaps of tar-stream 3 that matter to a distro root, closed here so the rest of the extractor can
// trust `header.pax`:
// 1. It decodes every PAX value as UTF-8, which destroys binary values: GNU tar stores an xattr
//    (`SCHILY.xattr.security.capability`) as raw bytes, and any byte >= 0x80 (cap_setuid is 0x80)
//    would become U+FFFD. Our decoder keeps xattr values byte-for-byte as latin1 strings.
// 2. It merges a global PAX header (`g`) only into entries that also have their own PAX header, so a
//    `path` or `size` in a global header would rename some entries and not others: parsers disagree,
//    which is how smuggling attacks work (CVE-2025-62518). A global header may only carry comments.
// Both reach into tar-stream's internals; `assertPatchable` fails loudly if an upgrade moves them.

const require = createRequire(import.meta.url);
const headers = require(join(dirname(require.resolve('tar-stream')), 'headers.js')) as { decodePax: (buf: Buffer) => Record<string, string> };

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
    if (space < 0 || !Number.isSafeInteger(len) || len <= space - at + 1 || at + len > buf.length || buf[at + len - 1] !== 0x0a) {
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

headers.decodePax = decodePax;

interface ExtractInternals {
  _header: { type: string } | null;
  _decodeLongHeader: (buf: Buffer) => void;
}

/** tar-stream's extract() with the global-header guard installed. */
export function createExtract(): tar.Extract {
  const ex = tar.extract() as tar.Extract & ExtractInternals;
  assertPatchable(ex);
  const original = ex._decodeLongHeader;
  ex._decodeLongHeader = function guarded(this: ExtractInternals, buf: Buffer): void {
    if (this._header?.type === 'pax-global-header') {
      const bad = Object.keys(decodePax(buf)).filter((k) => !GLOBAL_KEYS_ALLOWED.has(k));
      if (bad.length) throw new Error(`global PAX header sets ${bad.join(', ')}: refused (only comments are accepted there)`);
    }
    original.call(this, buf);
  };
  return ex;
}

function assertPatchable(ex: Partial<ExtractInternals>): void {
  if (typeof ex._decodeLongHeader !== 'function' || !('_header' in ex) || typeof headers.decodePax !== 'function') {
    throw new Error('tar-stream internals changed: update src/archive/pax.ts');
  }
}
