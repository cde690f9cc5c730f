import { usageError } from './errors.js';

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Parses `500M`, `20G`, `1.5t`, `1024` (bytes) into bytes; units are binary (G = 2^30), `B`/`iB` optional. */
export function parseSize(text: string, where = 'size'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw usageError('BAD_SIZE', `${where}: "${text}" is not a size`, { hint: 'write it like 500M or 20G' });
  return Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

/** 1536 → `1.5 KB`, binary units like parseSize. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/**
 * A size from the environment (`VMATRIX_ARTIFACTS_MAX_SIZE=1g`), `fallback` when unset; a bad one is a usage error with
 * `code`.
 */
export function sizeFromEnv(env: NodeJS.ProcessEnv, variable: string, fallback: string, code: string): number {
  const text = env[variable]?.trim() || fallback;
  try {
    return parseSize(text, variable);
  } catch (e) {
    throw usageError(code, `${variable}: "${text}" is not a size`, { hint: 'write it like 500m or 2g', cause: e });
  }
}
