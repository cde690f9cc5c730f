// "Did you mean …?" for misspelt keys and names. Optimal string alignment distance counts a swap of two
// neighbours as one edit, which is the most common typo (`tset` for `test`, `debian-21` for `debian-12`).

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}

/** How many characters of `a` and `b` are left over once each is matched with one of the other. */
function unsharedChars(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const ch of a) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  for (const ch of b) counts.set(ch, (counts.get(ch) ?? 0) - 1);
  return [...counts.values()].reduce((sum, n) => sum + Math.abs(n), 0);
}

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a plausible typo:
 * within a third of the word's length (at least 2 edits), so `colour` finds `color` but `foo` finds nothing.
 * Ties go to the candidate made of the same characters: `debian-21` is `debian-12` mistyped, not `debian-11`.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  let best: { candidate: string; distance: number; unshared: number } | undefined;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const distance = editDistance(w, c);
    const unshared = unsharedChars(w, c);
    if (!best || distance < best.distance || (distance === best.distance && unshared < best.unshared)) {
      best = { candidate, distance, unshared };
    }
  }
  return best && best.distance <= limit ? best.candidate : undefined;
}
