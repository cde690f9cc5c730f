import type { Cell } from './types.js';

// `--only` patterns. One pattern selects the cells it matches; several select the union. A pattern is
// a cell id, a distro name, a glob over the id (`debian-*/cc=gcc*`), or `axis=value[,axis=value]` terms
// that must all hold (`cc=clang`, `distro=debian-12,build=debug`, `arch=s390x`, values may be globs too).

function glob(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

const like = (value: string, pattern: string): boolean =>
  pattern.includes('*') ? glob(pattern).test(value) : value === pattern;

function termsMatch(cell: Cell, pattern: string): boolean {
  return pattern.split(',').every((term) => {
    const eq = term.indexOf('=');
    if (eq <= 0) return false;
    const key = term.slice(0, eq).trim();
    const value = key === 'distro' ? cell.distro : key === 'arch' ? cell.arch : cell.axes[key];
    return value !== undefined && like(value, term.slice(eq + 1).trim());
  });
}

export function cellMatches(cell: Cell, rawPattern: string): boolean {
  const pattern = rawPattern.trim();
  if (pattern === cell.id || pattern === cell.distro) return true;
  if (pattern.includes('*') && glob(pattern).test(cell.id)) return true;
  return !pattern.includes('/') && pattern.includes('=') && termsMatch(cell, pattern);
}

/** The cells any pattern matches, in matrix order; no patterns select every cell. */
export function filterCells(cells: Cell[], patterns: string[]): Cell[] {
  if (patterns.length === 0) return cells;
  return cells.filter((cell) => patterns.some((p) => cellMatches(cell, p)));
}
