import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a store is: $VMATRIX_HOME; else /var/lib/vmatrix for root; else $XDG_DATA_HOME/vmatrix
 * (~/.local/share/vmatrix). Kept apart from store.ts so that an ordinary user's vmatrix can name its store
 * before it enters its user namespace (vps/rootless.ts), without loading the store's code.
 */
export function storeRoot(env: NodeJS.ProcessEnv, uid: number | undefined): string {
  if (env.VMATRIX_HOME) return env.VMATRIX_HOME;
  if (uid === 0) return '/var/lib/vmatrix';
  return join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local/share'), 'vmatrix');
}
