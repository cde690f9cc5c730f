import { readFile } from 'node:fs/promises';

// The runtime cannot raise a hard limit above vmatrix's own without CAP_SYS_RESOURCE, which some hosts
// (nested containers, sandboxes) do not grant even to root; so the cell's hard limit is capped by ours.

/** systemd's default for services: enough for big test suites, far from the kernel's nr_open. */
export const NOFILE_HARD = 524288;
export const NOFILE_SOFT = 1024;

/** The hard RLIMIT_NOFILE of a /proc/<pid>/limits text; undefined when absent or unlimited. */
export function parseNofileHard(limits: string): number | undefined {
  const m = /^Max open files\s+\S+\s+(\d+)/m.exec(limits);
  return m ? Number(m[1]) : undefined;
}

export async function cellNofile(): Promise<{ soft: number; hard: number }> {
  const own = parseNofileHard(await readFile('/proc/self/limits', 'utf8').catch(() => ''));
  const hard = Math.min(NOFILE_HARD, own ?? NOFILE_HARD);
  return { soft: Math.min(NOFILE_SOFT, hard), hard };
}
