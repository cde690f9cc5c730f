import { appendFile, readFile } from 'node:fs/promises';
import { envError } from '../util/errors.js';
import { IDMAP_SIZE, type RootlessMode } from '../util/user-namespace.js';

// Root in a cell is not root on the host when the host gives vmatrix a range of subordinate ids: cell ids
// 0..65535 are then host ids start..start+65535, taken from root's line in /etc/subuid and /etc/subgid (the
// files newuidmap, Podman and LXD use). The cell's files must be owned by ids in that range, so the image,
// the setup layers and the project snapshot are kept "shifted" (see images/ and source/): the mapping
// decides their ownership, which is why it is part of every layer key.

export { IDMAP_SIZE };

export interface IdMap {
  /** Host uid of the cell's uid 0. */
  uid: number;
  /** Host gid of the cell's gid 0. */
  gid: number;
  size: number;
}

export interface UsernsChoice {
  map?: IdMap;
  /** Why the mapping is used or not, in the user's terms (doctor, --debug, run-start). */
  reason: string;
  /**
   * Why vmatrix must not run cells on this host (fail closed, SAFETY 35): root has no subordinate
   * ids and the operator did not say VMATRIX_USERNS=off, or root's range overlaps another user's.
   */
  refusal?: { code: string; message: string; hint: string };
}

/** The first line of another user whose range shares an id with start..start+size-1. */
export function overlappingRange(text: string, start: number, size: number, names: string[]): string | undefined {
  for (const line of text.split('\n')) {
    const [name, s, n] = line
      .trim()
      .split(':')
      .map((f, i) => (i === 0 ? f : Number(f))) as [string, number, number];
    if (
      !name ||
      line.trim().startsWith('#') ||
      names.includes(name) ||
      !Number.isSafeInteger(s) ||
      !Number.isSafeInteger(n)
    )
      continue;
    if (s < start + size && start < s + n) return `${name}'s ${s}-${s + n - 1}`;
  }
  return undefined;
}

/** The first range of at least `size` ids for one of `names` in a subuid/subgid text. */
export function findSubidRange(text: string, names: string[], size = IDMAP_SIZE): number | undefined {
  for (const line of text.split('\n')) {
    const [name, start, count] = line.trim().split(':');
    if (!name || line.trim().startsWith('#') || !names.includes(name)) continue;
    const s = Number(start);
    const n = Number(count);
    if (Number.isSafeInteger(s) && Number.isSafeInteger(n) && s > 0 && n >= size) return s;
  }
  return undefined;
}

/**
 * Decides whether cells get a user namespace. `VMATRIX_USERNS=off` turns it off (a host whose kernel or
 * sandbox refuses user namespaces); otherwise it is on whenever root has subordinate ids, and when root
 * has none, or a range another user shares, the choice carries the refusal `vmatrix test` fails with.
 */
export async function chooseUserns(
  env: NodeJS.ProcessEnv = process.env,
  etc = '/etc',
  rootless?: RootlessMode,
): Promise<UsernsChoice> {
  if (process.getuid?.() !== 0) return { reason: 'no user namespace: vmatrix is not running as root' };
  // Rootless (rootless.ts): vmatrix is root of a namespace that maps it to the user. Cells get namespace ids
  // 1..SIZE, the user's subordinate ids; with the user's one id alone, cells share vmatrix's namespace.
  if (rootless === 'subids') {
    return {
      map: { uid: 1, gid: 1, size: IDMAP_SIZE },
      reason: 'rootless: root in a cell is your first subordinate id (your range in /etc/subuid)',
    };
  }
  if (rootless === 'single') {
    return {
      reason:
        'rootless with your own id alone (no subordinate ids): root in a cell is you, and roots whose files ' +
        'belong to other users cannot be built',
    };
  }
  if (env.VMATRIX_USERNS === 'off' || env.VMATRIX_USERNS === '0') {
    return {
      reason:
        'no user namespace: turned off with VMATRIX_USERNS=off, so root in a cell is root on the host (with fewer ' +
        'capabilities)',
    };
  }
  const names = ['root', '0'];
  const [subuid, subgid] = await Promise.all([
    readFile(`${etc}/subuid`, 'utf8').catch(() => ''),
    readFile(`${etc}/subgid`, 'utf8').catch(() => ''),
  ]);
  const uid = findSubidRange(subuid, names);
  const gid = findSubidRange(subgid, names);
  if (uid === undefined || gid === undefined) {
    const file = uid === undefined ? 'subuid' : 'subgid';
    return {
      reason:
        `no user namespace: /etc/${file} has no range of ${IDMAP_SIZE} ids for root, so root in a cell is ` +
        `root on the host (with fewer capabilities)`,
      refusal: {
        code: 'NO_SUBORDINATE_IDS',
        message:
          `/etc/${file} has no range of ${IDMAP_SIZE} ids for root: without one, root in a cell would be ` +
          `root on the host`,
        hint: 'run vmatrix doctor --fix to add one; or, to run cells as host root anyway, set VMATRIX_USERNS=off',
      },
    };
  }
  const map = { uid, gid, size: IDMAP_SIZE };
  const reason = `user namespace: root in a cell is host uid ${uid} (root's range in /etc/subuid)`;
  for (const [file, text, start] of [
    ['subuid', subuid, uid],
    ['subgid', subgid, gid],
  ] as const) {
    const other = overlappingRange(text, start, IDMAP_SIZE, names);
    if (other) {
      return {
        map,
        reason,
        refusal: {
          code: 'SUBORDINATE_IDS_OVERLAP',
          message:
            `/etc/${file}: root's range ${start}-${start + IDMAP_SIZE - 1} overlaps ${other}: a cell's ` +
            `processes would own that user's files`,
          hint: `give root a range of its own in /etc/${file} (remove root's line and run vmatrix doctor --fix)`,
        },
      };
    }
  }
  return { map, reason };
}

/**
 * Fail closed (SAFETY 35): throws the choice's refusal, exit 3 with its fix, before any cell runs. Every
 * command that starts a cell (test, run, shell) goes through this, so none runs one where test would not.
 */
export function failClosed(choice: UsernsChoice): void {
  const { refusal } = choice;
  if (refusal) throw envError(refusal.code, refusal.message, { hint: refusal.hint });
}

/** The host id of a cell id under a mapping (identity without one). */
export function hostId(map: IdMap | undefined, id: number, kind: 'uid' | 'gid' = 'uid'): number {
  return map ? map[kind] + id : id;
}

/** The first id above every range of the files and at least `floor`, aligned to IDMAP_SIZE. */
export function freeSubidStart(texts: string[], floor = 1_000_000): number {
  let end = floor;
  for (const line of texts.join('\n').split('\n')) {
    const [, start, count] = line.trim().split(':');
    const s = Number(start);
    const n = Number(count);
    if (Number.isSafeInteger(s) && Number.isSafeInteger(n)) end = Math.max(end, s + n);
  }
  return Math.ceil(end / IDMAP_SIZE) * IDMAP_SIZE;
}

/**
 * Gives root a range of IDMAP_SIZE subordinate ids that no other line of /etc/subuid or /etc/subgid uses
 * (`vmatrix doctor --fix`). Returns the line added, or undefined when root already had one.
 */
export async function addRootSubids(etc = '/etc'): Promise<string | undefined> {
  const files = [`${etc}/subuid`, `${etc}/subgid`];
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
  if (texts.every((t) => findSubidRange(t, ['root', '0']) !== undefined)) return undefined;
  const line = `root:${freeSubidStart(texts)}:${IDMAP_SIZE}`;
  for (const [i, f] of files.entries()) {
    if (findSubidRange(texts[i], ['root', '0']) !== undefined) continue;
    const text = texts[i];
    await appendFile(f, `${text && !text.endsWith('\n') ? '\n' : ''}${line}\n`, { mode: 0o644 });
  }
  return line;
}
