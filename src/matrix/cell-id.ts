// A cell's id is for people (`--only`, reports); its slug is for machines: a path segment, a container id
// and a hostname label, hence lower case, [a-z0-9-] and at most 63 characters.

const MAX_SLUG = 63;

/** `debian-12` without axes, else `debian-12/cc=gcc,build=debug` in axis order. */
export function cellId(distro: string, axes: Record<string, string>): string {
  const pairs = Object.entries(axes).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? distro : `${distro}/${pairs.join(',')}`;
}

export function slugify(id: string, max = MAX_SLUG): string {
  const slug = id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
  return slug || 'cell';
}

/** Slugs for ids, in order; a slug already taken gets `-2`, `-3`… still within 63 characters. */
export function uniqueSlugs(ids: string[]): string[] {
  const taken = new Set<string>();
  return ids.map((id) => {
    let slug = slugify(id);
    for (let n = 2; taken.has(slug); n++) slug = `${slugify(id, MAX_SLUG - String(n).length - 1)}-${n}`;
    taken.add(slug);
    return slug;
  });
}
