import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';
import { formatPath, type FieldPath, type Issue } from './issues.js';
import type { Config, SubstitutionContext } from './types.js';
import { displayPath } from './yaml-source.js';

// `${{ matrix.cc }}`, `${{ distro }}` and `${{ arch }}`, the GitHub Actions spelling users already know.
// Placeholders are checked when the file is loaded, so a typo is a configuration error and not a failure in
// every cell.

const PLACEHOLDER = /\$\{\{\s*(.*?)\s*\}\}/g;
const MATRIX_REF = /^matrix\.([A-Za-z_][A-Za-z0-9_-]*)$/;

/** What a placeholder refers to, or a reason it refers to nothing. */
type Ref = { kind: 'distro' } | { kind: 'arch' } | { kind: 'axis'; axis: string } | { kind: 'bad'; reason: string };

function parseRef(expr: string): Ref {
  // `matrix.distro` is accepted too: distro is the first axis of the matrix, only spelt apart.
  if (expr === 'distro' || expr === 'matrix.distro') return { kind: 'distro' };
  // So is `arch`, the axis after it.
  if (expr === 'arch' || expr === 'matrix.arch') return { kind: 'arch' };
  const m = MATRIX_REF.exec(expr);
  if (m) return { kind: 'axis', axis: m[1] };
  return {
    kind: 'bad',
    reason: `unknown placeholder \${{ ${expr} }}: use \${{ distro }}, \${{ arch }} or \${{ matrix.<axis> }}`,
  };
}

/** Keys of an include entry that are no axis: `boot` says how its cells run, not what they are. */
export const RESERVED_INCLUDE_KEYS: readonly string[] = ['boot'];

/** Every axis a cell can have: the matrix's, then keys that include entries add (distro, arch and `boot` aside). */
export function axisNames(config: Pick<Config, 'matrix' | 'include'>): string[] {
  const names = new Set(Object.keys(config.matrix));
  for (const entry of config.include)
    for (const key of Object.keys(entry))
      if (key !== 'distro' && key !== 'arch' && !RESERVED_INCLUDE_KEYS.includes(key)) names.add(key);
  return [...names];
}

/**
 * Replaces the placeholders of `template`. An axis the cell lacks is an error, unless `ctx.known` lists it:
 * then, as in GitHub Actions, it is an empty string (a cell added by include may not set every axis).
 */
export function substitute(template: string, ctx: SubstitutionContext): string {
  return template.replace(PLACEHOLDER, (whole, expr: string) => {
    const ref = parseRef(expr);
    if (ref.kind === 'distro') return ctx.distro;
    if (ref.kind === 'arch') return ctx.arch;
    if (ref.kind === 'bad') throw usageError('UNKNOWN_PLACEHOLDER', `${template}: ${ref.reason}`);
    const value = ctx.matrix[ref.axis];
    if (value !== undefined) return value;
    if (ctx.known?.includes(ref.axis)) return '';
    throw usageError('UNKNOWN_PLACEHOLDER', `${template}: ${whole} names no axis of this cell`);
  });
}

/** The problems of the placeholders in one string. */
function stringIssues(text: string, axes: string[]): string[] {
  const problems: string[] = [];
  let count = 0;
  for (const [, expr] of text.matchAll(PLACEHOLDER)) {
    count++;
    const ref = parseRef(expr);
    if (ref.kind === 'bad') problems.push(ref.reason);
    if (ref.kind === 'axis' && !axes.includes(ref.axis)) problems.push(unknownAxis(ref.axis, axes));
  }
  if (text.split('${{').length - 1 > count) problems.push('a placeholder is not closed: write ${{ matrix.<axis> }}');
  return problems;
}

function unknownAxis(axis: string, axes: string[]): string {
  const guess = closest(axis, axes);
  const tail = guess ? `did you mean "${guess}"?` : axes.length ? `axes: ${axes.join(', ')}` : 'the matrix has no axes';
  return `unknown axis "${axis}" in \${{ matrix.${axis} }} (${tail})`;
}

/** Fields whose strings may hold placeholders. */
const FIELDS = ['packages', 'setup', 'test', 'env', 'artifacts'] as const;

/** Placeholder problems of a config, raw (as written) or normalised; paths follow the data's shape. */
export function placeholderIssues(data: Partial<Record<(typeof FIELDS)[number], unknown>>, axes: string[]): Issue[] {
  const issues: Issue[] = [];
  const walk = (value: unknown, path: FieldPath): void => {
    if (typeof value === 'string') for (const message of stringIssues(value, axes)) issues.push({ path, message });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  for (const field of FIELDS) walk(data[field], [field]);
  return issues;
}

/** Throws a usage error listing every placeholder that refers to nothing. */
export function checkPlaceholders(config: Config): void {
  const issues = placeholderIssues(config, axisNames(config));
  if (issues.length === 0) return;
  const lines = issues.map((i) => `${displayPath(config.file)}: ${formatPath(i.path)}: ${i.message}`);
  throw usageError('CONFIG_INVALID', lines.join('\n'), {
    hint: 'a placeholder is ${{ distro }}, ${{ arch }} or ${{ matrix.<axis> }}',
  });
}
