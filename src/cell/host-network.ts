import { usageError } from '../util/errors.js';

// `network: host` gives a test step the host's own network: its loopback services, its abstract unix
// sockets, its addresses, the cloud's metadata service. The project is not trusted (SAFETY 33), so its config
// alone cannot ask for that: the operator says yes with --allow-host-network. `--network host` on `run` and
// `shell` is the operator's own word and needs nothing more.

export const ALLOW_HOST_NETWORK_FLAG = '--allow-host-network';

/**
 * Throws (exit 2) when `where` (a config, or a kept cell of one) asks for the host's network and the operator did not
 * allow it.
 */
export function requireHostNetworkAllowed(network: string, allowed: boolean | undefined, where: string): void {
  if (network !== 'host' || allowed) return;
  throw usageError(
    'HOST_NETWORK_NOT_ALLOWED',
    `${where}: network: host would give the tests the host's own network (its loopback services, addresses and ` +
      `cloud metadata), which a config alone cannot ask for`,
    {
      hint:
        `if you trust this project, pass ${ALLOW_HOST_NETWORK_FLAG}; otherwise remove network: host from the ` +
        `config`,
    },
  );
}
