import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { envError, messageOf } from './errors.js';
import { execCapture } from './exec.js';
import { eachLimited } from './pool.js';

// Moving a tree's owners from one id range to another, as LXD and Podman do when a user namespace maps a
// container's ids elsewhere on the host. chown(2) clears the set-user-ID and set-group-ID bits and removes
// file capabilities, so both are put back: the bits as they were, the capabilities rewritten for the new
// range (a version 3 capability names the host uid of the namespace's root; version 2 means host root).
// Ids outside the source range are left alone. POSIX ACLs (system.posix_acl_access and _default) name users
// and groups by host id: chown leaves them, so their named entries in the range are moved like owners, or a
// cell would see them as unmapped (journald's `g:4294967295` on /var/log/journal). What chown takes away
// (and the ACLs) is read before the walk, as a plan: a caller that keeps the plan (a journal) can finish an
// interrupted shift with it, bits and capabilities included, since the tree itself no longer shows them once
// a file has been chowned, and ACLs included, since a half-rewritten tree no longer says which are rewritten.

export interface IdBase {
  uid: number;
  gid: number;
}

const CONCURRENCY = 64;
const CAP_XATTR = 'security.capability';
const ACL_XATTRS = { access: 'system.posix_acl_access', default: 'system.posix_acl_default' } as const;
type AclKind = keyof typeof ACL_XATTRS;

/** Every path of a tree, the root first, parents before children; symlinks are not followed. */
async function listTree(root: string): Promise<string[]> {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    const st = await lstat(out[i]);
    if (!st.isDirectory()) continue;
    for (const name of await readdir(out[i])) out.push(join(out[i], name));
  }
  return out;
}

async function chownKeepingMode(path: string, uid: number, gid: number): Promise<void> {
  const st = await lstat(path);
  if (st.uid === uid && st.gid === gid) return;
  await lchown(path, uid, gid);
  if (!st.isSymbolicLink() && st.mode & 0o6000) await chmod(path, st.mode & 0o7777);
}

/**
 * A shift, with what chown will clear: set-id modes and capabilities (hex) by path relative to the root;
 * and the ACLs (hex, as read) that name an id of the range. chown leaves ACLs alone, but keeping them here
 * makes applying the plan again write the same values, not shift the tree's already shifted ones once more.
 */
export interface ShiftPlan {
  from: IdBase;
  to: IdBase;
  size: number;
  setIds: Record<string, number>;
  caps: Record<string, string>;
  /** Absent in a journal written before ACLs were shifted: nothing to rewrite then. */
  acls?: Record<string, Partial<Record<AclKind, string>>>;
}

/** Reads what a shift from `from` to `to` must put back; call it before any file is chowned. */
export async function planShift(root: string, from: IdBase, to: IdBase, size: number): Promise<ShiftPlan> {
  const setIds: Record<string, number> = {};
  await eachLimited(await listTree(root), CONCURRENCY, async (path) => {
    const st = await lstat(path);
    if (!st.isSymbolicLink() && st.mode & 0o6000) setIds[relative(root, path)] = st.mode & 0o7777;
  });
  const caps: Record<string, string> = {};
  const acls: Record<string, Partial<Record<AclKind, string>>> = {};
  for (const [path, attrs] of await readAttributes(root)) {
    const rel = relative(root, path);
    const cap = attrs.get(CAP_XATTR);
    if (cap) caps[rel] = cap.toString('hex');
    for (const kind of ['access', 'default'] as const) {
      const value = attrs.get(ACL_XATTRS[kind]);
      if (!value) continue;
      // Parsed now, before any file is chowned, so that a malformed ACL stops the shift with nothing done.
      let shifted: Buffer;
      try {
        shifted = shiftAcl(value, from, to, size);
      } catch (e) {
        throw envError('ACL_MALFORMED', `${path}: ${ACL_XATTRS[kind]} is not a POSIX ACL: ${messageOf(e)}`, {
          cause: e,
        });
      }
      if (!shifted.equals(value)) (acls[rel] ??= {})[kind] = value.toString('hex');
    }
  }
  return { from, to, size, setIds, caps, acls };
}

/** Carries out a plan; running it again, or after an interruption, gives the same tree. */
export async function applyShift(root: string, plan: ShiftPlan): Promise<void> {
  const { from, to, size } = plan;
  const move = (id: number, a: number, b: number) => (id >= a && id < a + size ? b + (id - a) : id);
  await eachLimited(await listTree(root), CONCURRENCY, async (path) => {
    const st = await lstat(path);
    await chownKeepingMode(path, move(st.uid, from.uid, to.uid), move(st.gid, from.gid, to.gid));
  });
  // ACLs before the modes: setting an access ACL sets the group bits from its mask (the same as the
  // planned mode's) and may clear set-group-ID, which the chmod then puts back.
  for (const [path, kinds] of Object.entries(plan.acls ?? {}))
    for (const [kind, hex] of Object.entries(kinds) as [AclKind, string][])
      await writeAttribute(join(root, path), ACL_XATTRS[kind], shiftAcl(Buffer.from(hex, 'hex'), from, to, size));
  for (const [path, mode] of Object.entries(plan.setIds)) await chmod(join(root, path), mode);
  for (const [path, hex] of Object.entries(plan.caps))
    await writeAttribute(join(root, path), CAP_XATTR, rebaseCapability(Buffer.from(hex, 'hex'), to.uid));
}

/** Moves ids in [from, from+size) to [to, to+size). */
export async function shiftTree(root: string, from: IdBase, to: IdBase, size: number): Promise<void> {
  if (from.uid === to.uid && from.gid === to.gid) return;
  await applyShift(root, await planShift(root, from, to, size));
}

/** Gives every entry of a tree (one we created) the same owner. */
export async function chownTree(root: string, owner: IdBase): Promise<void> {
  await eachLimited(await listTree(root), CONCURRENCY, (path) => chownKeepingMode(path, owner.uid, owner.gid));
}

/**
 * The capability and ACL attributes of a tree's files, by absolute path, read with getfattr in one pass.
 * `-h`: a symlink's own attributes, not its target's (with `-P` alone getfattr reports a symlink with its
 * target's attributes, which the shift then wrote onto the symlink, or read from the host for an absolute one).
 * `-d -m` lists and reads only the attributes that match, so files without any cost no read and no error;
 * `system.*` is never matched by getfattr's default pattern, hence the explicit one.
 */
async function readAttributes(root: string): Promise<Map<string, Map<string, Buffer>>> {
  const pattern = '^(security\\.capability|system\\.posix_acl_(access|default))$';
  const r = await execCapture('getfattr', [
    '-R',
    '-P',
    '-h',
    '--absolute-names',
    '-d',
    '-m',
    pattern,
    '-e',
    'hex',
    root,
  ]);
  if (r.code !== 0)
    throw envError('GETFATTR_FAILED', `could not read the file attributes under ${root}: ${r.stderr.trim()}`);
  const files = new Map<string, Map<string, Buffer>>();
  let attrs: Map<string, Buffer> | undefined;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('# file: ')) files.set(unquote(line.slice(8)), (attrs = new Map<string, Buffer>()));
    else if (attrs && line.includes('=')) {
      const eq = line.indexOf('=');
      const value = line.slice(eq + 1);
      attrs.set(line.slice(0, eq), Buffer.from(value.startsWith('0x') ? value.slice(2) : '', 'hex'));
    }
  }
  return files;
}

/** A path as getfattr prints it: a backslash, newline or carriage return is written as `\ooo` (octal). */
function unquote(quoted: string): string {
  return quoted.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

async function writeAttribute(path: string, name: string, value: Buffer): Promise<void> {
  const r = await execCapture('setfattr', ['-h', '-n', name, '-v', `0x${value.toString('hex')}`, path]);
  if (r.code !== 0) throw envError('SETFATTR_FAILED', `could not set ${name} of ${path}: ${r.stderr.trim()}`);
}

const VFS_CAP_REVISION_MASK = 0xff000000;
const VFS_CAP_REVISION_2 = 0x02000000;
const VFS_CAP_REVISION_3 = 0x03000000;

/** A capability attribute for a namespace whose root is host uid `rootUid`: v2 for host root, else v3. */
export function rebaseCapability(value: Buffer, rootUid: number): Buffer {
  if (value.length < 20) return value;
  const magic = value.readUInt32LE(0);
  const rev = magic & VFS_CAP_REVISION_MASK;
  if (rev !== VFS_CAP_REVISION_2 && rev !== VFS_CAP_REVISION_3) return value;
  const flags = magic & ~VFS_CAP_REVISION_MASK;
  const body = value.subarray(4, 20);
  if (rootUid === 0) {
    const out = Buffer.alloc(20);
    out.writeUInt32LE((VFS_CAP_REVISION_2 | flags) >>> 0, 0);
    body.copy(out, 4);
    return out;
  }
  const out = Buffer.alloc(24);
  out.writeUInt32LE((VFS_CAP_REVISION_3 | flags) >>> 0, 0);
  body.copy(out, 4);
  out.writeUInt32LE(rootUid, 20);
  return out;
}

// A POSIX ACL attribute (acl(5); the kernel's struct posix_acl_xattr_header and _entry): a u32 version, 2,
// then entries of u16 tag, u16 permissions and u32 id, all little-endian. Only the named entries carry an id.
const ACL_VERSION = 2;
const ACL_HEADER = 4;
const ACL_ENTRY = 8;
const ACL_USER = 0x02;
const ACL_GROUP = 0x08;

/**
 * An ACL attribute with the ids of its named users and groups moved from [from, from+size) to [to, to+size),
 * uids by the uid ranges, gids by the gid ranges. Ids outside the range stay, as owners outside it do: they
 * are not the image's to move (a host id given access on purpose, or one already shifted). The owner, owning
 * group, mask and other entries hold no id. Entries come back sorted by tag and id, as setfacl writes them.
 * Throws for a value that is not a version 2 ACL.
 */
export function shiftAcl(value: Buffer, from: IdBase, to: IdBase, size: number): Buffer {
  if (value.length < ACL_HEADER || (value.length - ACL_HEADER) % ACL_ENTRY !== 0)
    throw new Error(`length ${value.length} is not a 4-byte header and 8-byte entries`);
  const version = value.readUInt32LE(0);
  if (version !== ACL_VERSION) throw new Error(`version ${version}, not ${ACL_VERSION}`);
  const out = Buffer.from(value);
  for (let at = ACL_HEADER; at < out.length; at += ACL_ENTRY) {
    const tag = out.readUInt16LE(at);
    const [a, b] = tag === ACL_USER ? [from.uid, to.uid] : tag === ACL_GROUP ? [from.gid, to.gid] : [];
    if (a === undefined || b === undefined) continue;
    const id = out.readUInt32LE(at + 4);
    if (id >= a && id < a + size) out.writeUInt32LE(b + (id - a), at + 4);
  }
  // Entries in the order setfacl and the kernel's own ACLs keep (tag, then id): a moved id may now sort
  // after one outside the range.
  const entries = Array.from({ length: (out.length - ACL_HEADER) / ACL_ENTRY }, (_, i) =>
    out.subarray(ACL_HEADER + i * ACL_ENTRY, ACL_HEADER + (i + 1) * ACL_ENTRY),
  );
  entries.sort((x, y) => x.readUInt16LE(0) - y.readUInt16LE(0) || x.readUInt32LE(4) - y.readUInt32LE(4));
  return Buffer.concat([out.subarray(0, ACL_HEADER), ...entries]);
}
