import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { overLimit, unsafe } from './errors.js';

// Where an entry's parent directory really is, with the semantics of a process chrooted into the root:
// a symlink met on the way is followed, but `/` means the root and `..` stops at it. Every path this
// returns is built from real directories only (lstat-checked), joined one plain name at a time, so it
// cannot leave the root whatever the links say. The final component of an entry is never resolved here:
// the extractor creates it with O_EXCL|O_NOFOLLOW or an equivalent. Calls are synchronous for speed (see
// writer.ts).

const MAX_LINK_HOPS = 255;

export interface ParentOptions {
  /** Follow symlinks in the parents (names) or refuse them (hardlink targets). */
  follow: boolean;
  /** Create missing parents (names) or refuse (hardlink targets must exist). */
  create: boolean;
}

interface Walk extends ParentOptions {
  name: string;
  hops: number;
}

export class RootResolver {
  /** Literal parent path ('a/b') → real directory. A sorted archive makes almost every lookup a hit. */
  private readonly dirs = new Map<string, string>();

  /** Link-resolution steps taken so far over the whole archive (see Limits.maxLinkSteps). */
  steps = 0;

  constructor(
    readonly root: string,
    private readonly maxSteps = Infinity,
  ) {
    this.dirs.set('', root);
  }

  /** The real directory that holds `parts.at(-1)`. `name` is the archive's name, for messages. */
  parentOf(parts: string[], name: string, o: ParentOptions): string {
    // The whole parent first: one lookup instead of one per component, for all but the first entry of a dir.
    const parentLiteral = parts.length === 1 ? '' : parts.length === 2 ? parts[0] : parts.slice(0, -1).join('/');
    const hit = this.dirs.get(parentLiteral);
    if (hit !== undefined && (o.follow || hit === this.literalPath(parentLiteral))) return hit;
    const walk: Walk = { ...o, name, hops: 0 };
    let real = this.root;
    let literal = '';
    for (const part of parts.slice(0, -1)) {
      literal = literal ? `${literal}/${part}` : part;
      const known = this.dirs.get(literal);
      if (known !== undefined && (o.follow || known === this.literalPath(literal))) {
        real = known;
        continue;
      }
      real = this.step(real, part, walk);
      this.dirs.set(literal, real);
    }
    return real;
  }

  /** The real directory that holds `parts.at(-1)` if it is cached (symlinks followed), without a syscall. */
  cachedParent(parts: string[]): string | undefined {
    return this.dirs.get(parts.length === 1 ? '' : parts.slice(0, -1).join('/'));
  }

  /** Records a directory the extractor created at `literal`. */
  remember(literal: string, real: string): void {
    this.dirs.set(literal, real);
  }

  /** Called when a directory or symlink is removed or replaced: any cached path may run through it. */
  forget(): void {
    this.dirs.clear();
    this.dirs.set('', this.root);
  }

  private step(dir: string, part: string, w: Walk): string {
    const path = join(dir, part);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) {
      if (!w.create) throw unsafe(w.name, `${this.show(path)} does not exist`);
      mkdirSync(path, 0o755);
      return path;
    }
    if (st.isDirectory()) return path;
    if (!st.isSymbolicLink()) throw unsafe(w.name, `${this.show(path)} is not a directory`);
    if (!w.follow) throw unsafe(w.name, `the path runs through the symlink ${this.show(path)}`);
    return this.follow(dir, path, w);
  }

  private follow(dir: string, link: string, w: Walk): string {
    if (++w.hops > MAX_LINK_HOPS) throw unsafe(w.name, 'too many levels of symbolic links');
    this.spend(w);
    const target = readlinkSync(link);
    let real = target.startsWith('/') ? this.root : dir;
    for (const part of target.split('/')) {
      if (part === '' || part === '.') continue;
      this.spend(w);
      if (part === '..') real = real === this.root ? real : dirname(real);
      else real = this.step(real, part, w);
    }
    return real;
  }

  private spend(w: Walk): void {
    if (++this.steps > this.maxSteps)
      throw overLimit(`symlink resolution steps (${this.maxSteps})`, w.name, 'maxLinkSteps');
  }

  private literalPath(literal: string): string {
    return literal ? `${this.root}/${literal}` : this.root;
  }

  private show(path: string): string {
    return `/${path.slice(this.root.length + 1)}`;
  }
}
