import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { envError } from './errors.js';
import { execCapture } from './exec.js';
import { eachLimited } from './pool.js';

// Moving a tree's owners from one id range to another, as LXD and Podman do when a user namespace maps a
// container's ids elsewhere on the host. chown(2) clears the set-user-ID and set-group-ID bits and removes
// file capabilities, so both are put back: the bits as they were, the capabilities rewritten for the new
// range (a version 3 capability names the host uid of the namespace's root; version 2 means host root).
// Ids outside the source range are left alone. What chown takes away is read before the walk, as a plan:
// a caller that keeps the plan (a journal) can finish an interrupted shift with it, bits and capabilities
// included, since the tree itself no longer shows them once a file has been chowned.

export interface IdBase {
  uid: number;
  gid: number;
}

const CONCURRENCY = 64;
const CAP_XATTR = 'security.capability';

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

/** A shift, with what chown will clear: set-id modes and capabilities (hex) by path relative to the root. */
export interface ShiftPlan {
  from: IdBase;
  to: IdBase;
  size: number;
  setIds: Record<string, number>;
  caps: Record<string, string>;
}

/** Reads what a shift from `from` to `to` must put back; call it before any file is chowned. */
export async function planShift(root: string, from: IdBase, to: IdBase, size: number): Promise<ShiftPlan> {
  const setIds: Record<string, number> = {};
  await eachLimited(await listTree(root), CONCURRENCY, async (path) => {
    const st = await lstat(path);
    if (!st.isSymbolicLink() && st.mode & 0o6000) setIds[relative(root, path)] = st.mode & 0o7777;
  });
  const caps = Object.fromEntries(
    [...(await readCapabilities(root))].map(([path, value]) => [relative(root, path), value.toString('hex')]),
  );
  return { from, to, size, setIds, caps };
}

/** Carries out a plan; running it again, or after an interruption, gives the same tree. */
export async function applyShift(root: string, plan: ShiftPlan): Promise<void> {
  const { from, to, size } = plan;
  const move = (id: number, a: number, b: number) => (id >= a && id < a + size ? b + (id - a) : id);
  await eachLimited(await listTree(root), CONCURRENCY, async (path) => {
    const st = await lstat(path);
    await chownKeepingMode(path, move(st.uid, from.uid, to.uid), move(st.gid, from.gid, to.gid));
  });
  for (const [path, mode] of Object.entries(plan.setIds)) await chmod(join(root, path), mode);
  for (const [path, hex] of Object.entries(plan.caps))
    await writeCapability(join(root, path), rebaseCapability(Buffer.from(hex, 'hex'), to.uid));
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
 * Files with a capability attribute, read with getfattr in one pass (no output: none, or no getfattr).
 * `-h`: a symlink's own attributes, not its target's (with `-P` alone getfattr reports a symlink with its
 * target's capability, which the shift then wrote onto the symlink, or read from the host for an absolute one).
 */
async function readCapabilities(root: string): Promise<Map<string, Buffer>> {
  const r = await execCapture('getfattr', ['-R', '-P', '-h', '--absolute-names', '-e', 'hex', '-n', CAP_XATTR, root]);
  const caps = new Map<string, Buffer>();
  let file: string | undefined;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('# file: ')) file = line.slice(8);
    else if (file && line.startsWith(`${CAP_XATTR}=0x`))
      caps.set(file, Buffer.from(line.slice(CAP_XATTR.length + 3), 'hex'));
  }
  return caps;
}

async function writeCapability(path: string, value: Buffer): Promise<void> {
  const r = await execCapture('setfattr', ['-h', '-n', CAP_XATTR, '-v', `0x${value.toString('hex')}`, path]);
  if (r.code !== 0)
    throw envError('SETFATTR_FAILED', `could not restore the file capability of ${path}: ${r.stderr.trim()}`);
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
