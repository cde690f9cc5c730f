import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { envError } from '../util/errors.js';
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
  /** Ends the holder; the namespace goes when its last cell has ended. Safe to call twice. */
  close(): Promise<void>;
}

// $1 ip: loopback up, say so, hold the namespace.
const HOLD = '"$1" link set lo up && echo ready && exec sleep 2147483647';

export async function openGroupNet(id: string): Promise<GroupNet> {
  const [setpriv, unshare, ip] = await Promise.all(['setpriv', 'unshare', 'ip'].map((n) => findProgram(n)));
  if (!setpriv || !unshare || !ip) {
    throw envError('NO_GROUP_NETWORK', 'a cell with services needs unshare, setpriv and ip, which this host lacks', {
      hint: 'apt-get install util-linux iproute2',
    });
  }
  const holder = spawn(
    setpriv,
    ['--pdeathsig', 'KILL', '--', unshare, '--net', '--', '/bin/sh', '-c', HOLD, 'vmatrix-group-net', ip],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
  );
  try {
    await readyLine(holder, `cell ${id}: could not make the network its services share`);
  } catch (e) {
    await killAndWait(holder);
    throw e;
  }
  const fd = openSync(`/proc/${holder.pid}/ns/net`, 'r');
  let open = true;
  return {
    fd,
    close: async () => {
      if (open) closeSync(fd);
      open = false;
      await killAndWait(holder);
    },
  };
}
