import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readlink, writeFile } from 'node:fs/promises';
import type { IdMap } from './userns.js';
import { envError } from '../util/errors.js';
import { execOrThrow } from '../util/exec.js';
import { findProgram } from './launcher.js';
import { killAndWait, readyLine } from './outbound.js';

// The network of a group of cells: a test cell and its services (`services:`). One network namespace with
// loopback alone, made by vmatrix and held by a process of its own, which every cell of the group joins
// (CellRunSpec.joinNetns): the services listen on its loopback, the test cell reaches them there by name
// (their names are 127.0.0.1 in its /etc/hosts), nothing of it is on the host's network, and each group
// has its own, so parallel cells never clash on a port. The holder dies with vmatrix (pdeathsig) and is
// killed when the group ends; the namespace goes with it and the last cell, so nothing is left to sweep.

export interface GroupNet {
  /** The namespace, open: each cell's launcher gets it as fd 4. */
  fd: number;
  /**
   * With an id map: the user namespace of those ids that owns it (fd 5), which the group's cells join instead
   * of each making its own, so that the runtime's exec, which joins a cell's user namespace first, can then
   * join its network namespace.
   */
  userFd?: number;
  /** Ends the holder; the namespace goes when its last cell has ended. Safe to call twice. */
  close(): Promise<void>;
}

// Once vmatrix has mapped its ids and brought its loopback up from outside (the holder, unmapped when it
// started, holds no capability there): say so, hold the namespace.
const HOLD = 'read -r go && echo ready && exec sleep 2147483647';

let tools: Promise<(string | undefined)[]> | undefined;

export async function openGroupNet(id: string, map?: IdMap): Promise<GroupNet> {
  // Looked up once per process: every test cell with services opens a group.
  tools ??= Promise.all(['setpriv', 'unshare', 'nsenter', 'ip'].map((n) => findProgram(n)));
  const [setpriv, unshare, nsenter, ip] = await tools;
  if (!setpriv || !unshare || !nsenter || !ip) {
    throw envError(
      'NO_GROUP_NETWORK',
      'a cell with services needs unshare, setpriv, nsenter and ip, which this host lacks',
      {
        hint: 'apt-get install util-linux iproute2',
      },
    );
  }
  const holder = spawn(
    setpriv,
    [
      '--pdeathsig',
      'KILL',
      '--',
      unshare,
      ...(map ? ['--user'] : []),
      '--net',
      '--',
      '/bin/sh',
      '-c',
      HOLD,
      'vmatrix-group-net',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
  );
  const fds: number[] = [];
  try {
    if (map) await mapIds(holder.pid!, map);
    else await madeNamespace(holder.pid!, 'net');
    await execOrThrow(nsenter, [`--net=/proc/${holder.pid}/ns/net`, '--', ip, 'link', 'set', 'lo', 'up']);
    holder.stdin.end('go\n');
    await readyLine(holder, `cell ${id}: could not make the network its services share`);
    fds.push(openSync(`/proc/${holder.pid}/ns/net`, 'r'));
    if (map) fds.push(openSync(`/proc/${holder.pid}/ns/user`, 'r'));
  } catch (e) {
    for (const fd of fds) closeSync(fd);
    await killAndWait(holder);
    throw e;
  }
  let open = true;
  return {
    fd: fds[0],
    ...(map && { userFd: fds[1] }),
    close: async () => {
      if (open) for (const fd of fds) closeSync(fd);
      open = false;
      await killAndWait(holder);
    },
  };
}

/**
 * Maps the holder's new user namespace as a cell's (0..size-1 → the map's host ids), once unshare has made
 * it; only then does the holder's shell, root there, bring loopback up.
 */
async function mapIds(pid: number, map: IdMap): Promise<void> {
  await madeNamespace(pid, 'user');
  await writeFile(`/proc/${pid}/uid_map`, `0 ${map.uid} ${map.size}\n`);
  await writeFile(`/proc/${pid}/gid_map`, `0 ${map.gid} ${map.size}\n`);
}

/** Waits until the holder (unshare, then its shell) has a namespace of `kind` of its own. */
async function madeNamespace(pid: number, kind: 'user' | 'net'): Promise<void> {
  const own = await readlink(`/proc/self/ns/${kind}`);
  for (let i = 0; (await readlink(`/proc/${pid}/ns/${kind}`).catch(() => own)) === own; i++) {
    if (i >= 500) throw new Error(`the holder of a group's network made no ${kind} namespace in 5 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
