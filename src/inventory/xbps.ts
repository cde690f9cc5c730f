import { XMLParser } from '../util/xml.js';
import type { InstalledPackage } from './types.js';
import type { OverlayView } from './overlay.js';
import { DATABASE_CAP } from './read.js';

// xbps's package database (xbps's lib/package_state.c, pkgdb.c): /var/db/xbps/pkgdb-0.38.plist, an XML
// property list whose top dict maps each package's name to a dict of its `pkgver` (`name-1.2.3_1`), its
// `architecture` and its `state` (`installed`, `unpacked`, `half-removed`…); keys starting with `_`
// (`_XBPS_ALTERNATIVES_`) are xbps's own. fast-xml-parser reads it, in document order (a plist dict is a
// flat run of <key> and value elements, which a parser that groups children by tag would pull apart), with
// entities left as written: no DOCTYPE entity is ever expanded, and pkgver, state and arch never hold one.

const PKGDB = '/var/db/xbps/pkgdb-0.38.plist';

/** An element in document order, as fast-xml-parser's preserveOrder gives it: `{ tag: children }` or text. */
type XmlNode = Record<string, XmlNode[] | string>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
});

export async function readXbps(view: OverlayView): Promise<InstalledPackage[]> {
  const db = await view.read(PKGDB, DATABASE_CAP, { required: true });
  if (!db) return [];
  let top: Map<string, XmlNode> | undefined;
  try {
    top = plistDict(parser.parse(db) as XmlNode[]);
  } catch {
    top = undefined;
  }
  if (!top) {
    view.note(`${PKGDB}: not a property list of packages`);
    return [];
  }
  const out: InstalledPackage[] = [];
  for (const [name, value] of top) {
    if (name.startsWith('_')) continue;
    const fields = dict(value);
    const pkgver = fields && text(fields.get('pkgver'));
    if (!pkgver || text(fields.get('state')) !== 'installed') continue;
    const dash = pkgver.lastIndexOf('-');
    const arch = text(fields.get('architecture'));
    out.push({ name, version: pkgver.slice(dash + 1), ...(arch && { arch }) });
  }
  return out;
}

/** The top dict of a parsed `<plist>`. */
function plistDict(doc: XmlNode[]): Map<string, XmlNode> | undefined {
  const plist = doc.find((n) => 'plist' in n)?.plist;
  const top = Array.isArray(plist) ? plist.find((n) => 'dict' in n) : undefined;
  return top && dict(top);
}

/** A `<dict>` element's keys and value elements, in order. */
function dict(node: XmlNode): Map<string, XmlNode> | undefined {
  const children = node.dict;
  if (!Array.isArray(children)) return undefined;
  const out = new Map<string, XmlNode>();
  for (let i = 0; i + 1 < children.length; i++) {
    const key = children[i].key;
    if (key === undefined) continue;
    out.set(text(children[i]) ?? '', children[++i]);
  }
  return out;
}

/** The text of a `<key>` or `<string>` element. */
function text(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  const children = node.key ?? node.string;
  if (!Array.isArray(children)) return undefined;
  return children.map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('');
}
