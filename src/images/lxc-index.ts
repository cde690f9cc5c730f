// The LXC image server's "simplestreams-lite" index, `meta/1.0/index-system`: one image a line,
// `dist;release;arch;variant;build;path`, e.g.
//   ubuntu;noble;amd64;default;20241124_07:42;/images/ubuntu/noble/amd64/default/20241124_07:42/
// Builds are timestamps of one fixed format, so the newest is the greatest string.

export interface LxcImage {
  dist: string;
  release: string;
  arch: string;
  variant: string;
  build: string;
  /** The build's directory on the server, as the index gives it. */
  path: string;
}

export interface LxcWanted {
  dist: string;
  release: string;
  arch: string;
  variant: string;
}

/** Every well-formed line; others (blank, comments, a future format with more fields) are skipped. */
export function parseLxcIndex(text: string): LxcImage[] {
  const images: LxcImage[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.trim().split(';');
    if (fields.length !== 6 || fields.some((f) => f === '')) continue;
    const [dist, release, arch, variant, build, path] = fields as [string, string, string, string, string, string];
    images.push({ dist, release, arch, variant, build, path });
  }
  return images;
}

/** The newest build of exactly the wanted image, or undefined. */
export function newestLxcImage(images: LxcImage[], want: LxcWanted): LxcImage | undefined {
  let best: LxcImage | undefined;
  for (const i of images) {
    if (i.dist !== want.dist || i.release !== want.release || i.arch !== want.arch || i.variant !== want.variant)
      continue;
    if (!best || i.build > best.build) best = i;
  }
  return best;
}

/**
 * What the index has for `dist`, for a message when the wanted image is missing:
 * `3.19 (amd64, arm64), 3.20 (amd64)`; variants are named when they are not just `default`.
 */
export function lxcOffer(images: LxcImage[], dist: string): string {
  const releases = new Map<string, Set<string>>();
  for (const i of images.filter((x) => x.dist === dist)) {
    const arches = releases.get(i.release) ?? new Set<string>();
    arches.add(i.variant === 'default' ? i.arch : `${i.arch}/${i.variant}`);
    releases.set(i.release, arches);
  }
  return [...releases].map(([release, arches]) => `${release} (${[...arches].sort().join(', ')})`).join(', ');
}

/** The dists of the index, for a message when the wanted one is not there at all. */
export function lxcDists(images: LxcImage[]): string[] {
  return [...new Set(images.map((i) => i.dist))].sort();
}

/** `<server>/<path>/<file>` with exactly one slash at each joint (the index's paths start and end with one). */
export function lxcUrl(server: string, path: string, file: string): string {
  return `${server.replace(/\/+$/, '')}/${path.replace(/^\/+|\/+$/g, '')}/${file}`;
}
