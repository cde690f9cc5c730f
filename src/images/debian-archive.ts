import { envError } from '../util/errors.js';
import { aptSources, hostDebianMirror } from './apt-mirror.js';
import { checkStatus, httpGet, parseUrl } from './http.js';

// When a Debian release reaches its end of life (LTS included), its suite leaves the regular mirrors and
// lives on only on Debian's archive mirror (https://www.debian.org/distrib/archive: "the archived
// distributions ... are only available at the archive"). No host is named here: the archive mirror is
// VMATRIX_DEBIAN_ARCHIVE_MIRROR, or whichever of the host's apt sources still has the suite. A mirror has
// a suite when it serves `dists/<suite>/Release` (the layout: https://wiki.debian.org/DebianRepository/Format).

/** Whether `mirror` serves `dists/<suite>/Release`: 404/410 no, 2xx yes; anything else is an error. */
export async function hasSuite(mirror: string, suite: string): Promise<boolean> {
  const base = parseUrl(mirror.endsWith('/') ? mirror : `${mirror}/`);
  // One byte is enough to know the file is there; a server that ignores Range sends it whole (200).
  const answer = await httpGet(new URL(`dists/${encodeURIComponent(suite)}/Release`, base), { range: 'bytes=0-0' });
  if (answer.res.statusCode === 404 || answer.res.statusCode === 410) {
    await answer.res.body.dump();
    return false;
  }
  await checkStatus(answer);
  await answer.res.body.dump();
  return true;
}

export interface MirrorCandidates {
  /** The mirror a supported release is built from: VMATRIX_DEBIAN_MIRROR, else the host's first Debian one. */
  regular: string;
  /** Where an EOL suite may still be, in order: VMATRIX_DEBIAN_ARCHIVE_MIRROR, then the host's other sources. */
  archives: string[];
}

/**
 * The mirror to build `suite` from. A supported release (or offline, when nothing can be asked) uses the
 * regular mirror, unasked; an EOL one uses it while it still has the suite (or cannot be asked), else the
 * first archive candidate that has it; with none, a clear error saying what to set.
 */
export async function chooseDebianMirror(
  suite: string,
  o: { eol: boolean; offline: boolean; candidates: MirrorCandidates; has?: typeof hasSuite },
): Promise<string> {
  const { regular, archives } = o.candidates;
  if (!o.eol || o.offline) return regular;
  const has = o.has ?? hasSuite;
  const lacking: string[] = [];
  for (const mirror of [regular, ...archives]) {
    // A host source that cannot be reached (a third-party repository, say) just does not have it.
    const answer = await has(mirror, suite).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    if (answer === true) return mirror;
    // Only a mirror that says it lacks the suite is left: one that cannot be asked (no network) stays the
    // choice, as for a supported release, and mmdebstrap's own error says what is wrong if it is built.
    if (mirror === regular && answer !== false) return regular;
    lacking.push(answer === false ? `${mirror}: no dists/${suite}/Release` : answer);
  }
  throw envError(
    'DEBIAN_SUITE_ARCHIVED',
    `${suite} is past its end of life and no mirror vmatrix knows still has it (${lacking.join('; ')})`,
    {
      hint:
        "set VMATRIX_DEBIAN_ARCHIVE_MIRROR to Debian's archive mirror (https://www.debian.org/distrib/archive), " +
        'or give the mmdebstrap source a `mirror:` in a catalog of your own',
    },
  );
}

/** The candidates from the environment and the host's apt sources (read only when needed). */
export async function mirrorCandidates(env: NodeJS.ProcessEnv = process.env, root = '/'): Promise<MirrorCandidates> {
  const regular = env.VMATRIX_DEBIAN_MIRROR ?? (await hostDebianMirror(root));
  const host = (await aptSources(root)).filter((s) => s.components.includes('main')).map((s) => s.uri);
  const archives = [env.VMATRIX_DEBIAN_ARCHIVE_MIRROR, ...host].filter(
    (m): m is string => m !== undefined && m !== '' && m !== regular && !m.startsWith('cdrom:'),
  );
  return { regular, archives: [...new Set(archives)] };
}
