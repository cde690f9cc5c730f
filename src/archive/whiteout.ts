import { lstatSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from './entry.js';
import { invalid, unsafe } from './errors.js';
import type { RootResolver } from './resolve.js';

// OCI layer whiteouts (image-spec layer.md), applied while a layer is extracted over the layers below it:
// `.wh.<name>` removes <name>, `.wh..wh..opq` empties its directory of what lower layers put there. A
// whiteout only hides *lower* content, so everything this layer wrote is remembered and spared. Paths go
// through the extractor's RootResolver, so a symlink planted by a lower layer cannot aim a removal
// outside the root; removals never follow the final component (rmSync and unlink do not).

const PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** Other `.wh..wh.` names are aufs bookkeeping (hardlink dirs): never created, never acted on. */
const META_PREFIX = '.wh..wh.';

export class OciWhiteouts {
  /** Literal paths ('a/b') this layer created, with their ancestors. */
  private readonly written = new Set<string>();

  constructor(private readonly resolver: RootResolver) {}

  static isWhiteout(e: Entry): boolean {
    return e.parts.length > 0 && e.parts[e.parts.length - 1].startsWith(PREFIX);
  }

  /** Records an ordinary entry of this layer, so that no whiteout of the same layer removes it. */
  wrote(e: Entry): void {
    for (let i = 1; i <= e.parts.length; i++) this.written.add(e.parts.slice(0, i).join('/'));
  }

  apply(e: Entry): void {
    // A marker has no content; one with data is not a whiteout we understand (and the writer has no file
    // open to pour it into).
    if (e.size > 0) throw invalid(e.name, `a whiteout with ${e.size} bytes of content`);
    const base = e.parts[e.parts.length - 1];
    if (base === OPAQUE) return this.opaque(e);
    if (base.startsWith(META_PREFIX)) return;
    const target = base.slice(PREFIX.length);
    if (target === '' || target === '.' || target === '..') throw unsafe(e.name, 'a whiteout of no name');
    const dir = this.parent(e);
    const literal = [...e.parts.slice(0, -1), target].join('/');
    if (dir === undefined || this.written.has(literal)) return;
    this.remove(join(dir, target));
  }

  /** Removes, under the whiteout's directory, every path this layer did not write (depth first). */
  private opaque(e: Entry): void {
    const dir = this.parent(e);
    if (dir !== undefined) this.prune(dir, e.parts.slice(0, -1).join('/'));
  }

  private prune(dir: string, literal: string): void {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const child = literal ? `${literal}/${d.name}` : d.name;
      if (!this.written.has(child)) this.remove(join(dir, d.name));
      else if (d.isDirectory()) this.prune(join(dir, d.name), child); // a directory, never a symlink to one
    }
  }

  /** The real directory holding the whiteout, or undefined when lower layers left nothing there. */
  private parent(e: Entry): string | undefined {
    try {
      return this.resolver.parentOf(e.parts, e.name, { follow: true, create: false });
    } catch (err) {
      // Missing or not a directory: nothing below to hide. A symlink loop is still an error.
      if (/does not exist|is not a directory/.test((err as Error).message)) return undefined;
      throw err;
    }
  }

  private remove(path: string): void {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) rmSync(path, { recursive: true, force: true });
    else unlinkSync(path);
    if (st.isDirectory() || st.isSymbolicLink()) this.resolver.forget();
  }
}
