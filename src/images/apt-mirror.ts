import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { envError } from '../util/errors.js';

// mmdebstrap needs a Debian mirror, and the best one is the one the host already uses (it is reachable,
// often a local proxy or snapshot). Read from the host's apt sources, never written anywhere.

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  file: string;
}

// Only entries for Debian itself qualify: a third-party repository (nodesource, a cloud SDK) also
// has `main`, but mmdebstrap cannot build bookworm from it.
const DEBIAN_SUITES = new Set([
  'jessie',
  'stretch',
  'buster',
  'bullseye',
  'bookworm',
  'trixie',
  'forky',
  'duke',
  'sid',
  'oldoldstable',
  'oldstable',
  'stable',
  'testing',
  'unstable',
]);

/** The first Debian mirror in `<root>/etc/apt/sources.list{,.d}` that carries a release's main component. */
export async function hostDebianMirror(root = '/'): Promise<string> {
  const sources = await aptSources(root);
  const found = sources.find(
    (s) => s.components.includes('main') && s.suites.some(isReleaseSuite) && !s.uri.startsWith('cdrom:'),
  );
  if (!found) {
    throw envError(
      'NO_DEBIAN_MIRROR',
      `no Debian mirror found in ${join(root, 'etc/apt/sources.list')} or sources.list.d/`,
      {
        hint: 'set VMATRIX_DEBIAN_MIRROR to a Debian mirror URL, or give the mmdebstrap source a `mirror:`',
      },
    );
  }
  return found.uri;
}

function isReleaseSuite(suite: string): boolean {
  return DEBIAN_SUITES.has(suite);
}

/** The `deb` entries of the host, in apt's order: sources.list, then sources.list.d/ sorted by name. */
export async function aptSources(root = '/'): Promise<AptSource[]> {
  const dir = join(root, 'etc/apt/sources.list.d');
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.list') || n.endsWith('.sources'))
    .sort();
  const files = [join(root, 'etc/apt/sources.list'), ...names.map((n) => join(dir, n))];
  const all: AptSource[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    all.push(...(file.endsWith('.sources') ? parseDeb822(text, file) : parseOneLine(text, file)));
  }
  return all;
}

/** `deb [arch=amd64 signed-by=/k.gpg] http://host/debian bookworm main contrib` */
export function parseOneLine(text: string, file = ''): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ uri: m[1], suites: [m[2]], components: m[3].split(/\s+/).filter(Boolean), file });
  }
  return out;
}

/** deb822 stanzas (Types/URIs/Suites/Components), blank-line separated; `Enabled: no` skips one. */
export function parseDeb822(text: string, file = ''): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const fields = stanzaFields(stanza);
    const words = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || (fields.get('enabled') ?? 'yes').trim().toLowerCase() === 'no') continue;
    for (const uri of words('uris')) out.push({ uri, suites: words('suites'), components: words('components'), file });
  }
  return out;
}

/**
 * The fields of one deb822 stanza (https://manpages.debian.org/deb822): `Key: value` lines, continuation
 * lines joined with a space, comments skipped; keys lower-cased. Used for sources files and for a
 * mirror's dists/<suite>/Release, which has the same form.
 */
export function stanzaFields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let key: string | undefined;
  for (const line of stanza.split('\n')) {
    if (line.startsWith('#')) continue;
    if (/^[ \t]/.test(line) && key) {
      fields.set(key, `${fields.get(key)} ${line.trim()}`); // a continuation line
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) {
      key = m[1].toLowerCase();
      fields.set(key, m[2]);
    }
  }
  return fields;
}
