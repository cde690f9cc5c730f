import { createHash } from 'node:crypto';

/** A stable sha256 of a JSON-able value: object keys are sorted so that key order never changes an id. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

/** Short ids for directory names and display: 16 hex digits of a sha256 are plenty for a local store. */
export function shortId(hex: string): string {
  return hex.slice(0, 16);
}
