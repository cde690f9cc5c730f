import { inertLine } from '../util/inert.js';

/** A plain left-aligned text table; the last column is not padded, so lines carry no trailing spaces. */
export function table(header: string[], rows: string[][]): string {
  // Cells name what projects and images chose (cell ids, paths, distro names): shown, never obeyed.
  const all = [header, ...rows].map((r) => r.map(inertLine));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}
