import { constants } from 'node:os';

// The runtime exits with its container's status, and with 128+n when the container's init died of signal n
// (like a shell). A killed launcher (our SIGKILL on timeout or abort) shows as a Node signal instead.

// The first name wins: SIGABRT, not its alias SIGIOT.
const NAMES = new Map<number, string>();
for (const [name, n] of Object.entries(constants.signals)) if (!NAMES.has(n)) NAMES.set(n, name);

export function decodeExit(
  code: number | null,
  signal: NodeJS.Signals | null,
): { exitCode: number | null; signal: string | null } {
  if (signal) return { exitCode: null, signal };
  if (code !== null && code > 128 && NAMES.has(code - 128)) return { exitCode: null, signal: NAMES.get(code - 128)! };
  return { exitCode: code, signal: null };
}
