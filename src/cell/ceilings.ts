import { totalmem } from 'node:os';
import type { Config } from '../config/types.js';
import { usageError } from '../util/errors.js';
import { formatSize, parseSize } from '../util/size.js';
import type { CellResources } from '../vps/index.js';

// The operator's ceilings: every cell, setup cells included, runs under a memory and a process limit,
// whatever the project's config says. `resources:` of vmatrix.yml may lower them for test cells; a config
// asking for more is refused before any cell starts, naming the flag or variable that raises the ceiling.
// Only the operator (who types `vmatrix`) can raise one: the config is the project's, and not trusted.

/** Processes (threads count) a cell may have: room for big parallel test suites, not for a fork bomb. */
export const DEFAULT_MAX_PIDS = 4096;
/** A cell may use this share of the host's memory: one runaway cell leaves the host the other half. */
export const MEMORY_SHARE = 0.5;

export interface Ceilings {
  memoryBytes: number;
  pids: number;
}

export interface CeilingOptions {
  /** `--max-memory` (a size such as 8g). */
  maxMemory?: string;
  /** `--max-pids`. */
  maxPids?: number;
}

const MEMORY = { flag: '--max-memory', variable: 'VMATRIX_MAX_MEMORY' };
const PIDS = { flag: '--max-pids', variable: 'VMATRIX_MAX_PIDS' };

/** The ceilings of this run: the flags, else the environment, else half the host's memory and 4096 processes. */
export function operatorCeilings(
  o: CeilingOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  hostMemory = totalmem(),
): Ceilings {
  const memoryText = o.maxMemory ?? env[MEMORY.variable]?.trim();
  const pidsText = o.maxPids !== undefined ? String(o.maxPids) : env[PIDS.variable]?.trim();
  const where = (v: typeof MEMORY, fromFlag: boolean) => (fromFlag ? v.flag : v.variable);
  return {
    memoryBytes: memoryText
      ? parseSize(memoryText, where(MEMORY, o.maxMemory !== undefined))
      : Math.floor((hostMemory * MEMORY_SHARE) / 2 ** 20) * 2 ** 20,
    pids: pidsText ? positiveInteger(pidsText, where(PIDS, o.maxPids !== undefined)) : DEFAULT_MAX_PIDS,
  };
}

function positiveInteger(text: string, where: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw usageError('BAD_MAX_PIDS', `${where}: "${text}" is not a number of processes`, {
      hint: 'give a whole number, at least 1, like 4096',
    });
  return Number(text);
}

/**
 * The limits of the run's test cells: `resources:` where it sets one, the ceiling where it does not. Throws a
 * usage error (exit 2) when the config asks above a ceiling.
 */
export function testResources(r: Config['resources'], c: Ceilings): CellResources {
  if (r.memory !== undefined && r.memory > c.memoryBytes)
    throw above('resources.memory', formatSize(r.memory), formatSize(c.memoryBytes), MEMORY, 'a size such as 16g');
  if (r.pids !== undefined && r.pids > c.pids)
    throw above('resources.pids', String(r.pids), String(c.pids), PIDS, 'a number such as 16384');
  return {
    memoryBytes: r.memory ?? c.memoryBytes,
    pids: r.pids ?? c.pids,
    ...(r.cpus !== undefined && { cpus: r.cpus }),
  };
}

function above(key: string, asked: string, ceiling: string, v: typeof MEMORY, example: string) {
  return usageError('ABOVE_CEILING', `vmatrix.yml: ${key} is ${asked}, above this host's ceiling of ${ceiling}`, {
    hint: `lower ${key}, or have the operator raise the ceiling with ${v.flag} or ${v.variable} (${example})`,
  });
}

/**
 * The limits of setup cells: the ceilings themselves (a layer is shared by every cell of its recipe, whatever their
 * `resources:`).
 */
export function setupResources(c: Ceilings): CellResources {
  return { memoryBytes: c.memoryBytes, pids: c.pids };
}

/** For the run's header. */
export function describeCeilings(c: Ceilings): string {
  return `limits per cell, setup included: ${formatSize(c.memoryBytes)} of memory, ${c.pids} processes`;
}
