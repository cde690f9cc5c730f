import { hostId, type IdMap } from '../vps/index.js';

// `user: <name>`: the test steps run as a user that vmatrix creates in every cell, in the setup layer, with
// the same uid and gid everywhere, so that the project snapshot can be owned by it before any cell starts
// (a test writes its build tree under /src). Setup steps still run as root.

/** uid and gid of the test user in every cell: above the ids distros give their first user (1000). */
export const USER_ID = 2000;

/** A POSIX sh step creating the user with shadow's useradd, busybox's adduser (Alpine), or by hand. */
export function createUserStep(name: string): string {
  return [
    `u=${name}`,
    `if id "$u" >/dev/null 2>&1; then`,
    `  [ "$(id -u "$u")" = ${USER_ID} ] || { echo "vmatrix: the image already has a user $u, with uid $(id -u ` +
      `"$u"); the test user needs uid ${USER_ID}: choose another name for user:" >&2; exit 1; }`,
    'elif command -v useradd >/dev/null 2>&1; then',
    `  groupadd -g ${USER_ID} "$u" && useradd -m -u ${USER_ID} -g ${USER_ID} -s /bin/sh "$u"`,
    'elif command -v adduser >/dev/null 2>&1; then',
    `  addgroup -g ${USER_ID} "$u" && adduser -D -u ${USER_ID} -G "$u" -s /bin/sh "$u"`,
    'else',
    // No tool (a bare busybox root): the entries a tool would have written.
    `  echo "$u:x:${USER_ID}:${USER_ID}::/home/$u:/bin/sh" >> /etc/passwd && echo "$u:x:${USER_ID}:" >> /etc/group`,
    `  mkdir -p "/home/$u" && chown ${USER_ID}:${USER_ID} "/home/$u"`,
    'fi',
  ].join('\n');
}

/** Cell ids of the test steps. */
export function testUser(name: string): { uid: number; gid: number } {
  return name === 'root' ? { uid: 0, gid: 0 } : { uid: USER_ID, gid: USER_ID };
}

/** What a login of that user would set. */
export function userEnv(name: string): Record<string, string> {
  return name === 'root' ? {} : { HOME: `/home/${name}`, USER: name, LOGNAME: name };
}

/** Host ids that own the project snapshot: the test user's, mapped through the cells' user namespace. */
export function sourceOwner(map: IdMap | undefined, name: string): { uid: number; gid: number } {
  const { uid, gid } = testUser(name);
  return { uid: hostId(map, uid, 'uid'), gid: hostId(map, gid, 'gid') };
}
