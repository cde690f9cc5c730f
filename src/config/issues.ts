import { usageError, type VmError } from '../util/errors.js';
import { inertLine } from '../util/inert.js';

/** Where a value sits in a YAML document: `['matrix', 'build', 0]`. */
export type FieldPath = Array<string | number>;

/** One thing wrong with a file, before it is given a line number. */
export interface Issue {
  path: FieldPath;
  message: string;
}

/** A located issue, ready to print. */
export interface LocatedIssue extends Issue {
  line: number;
  text: string;
}

/** `matrix.build`, `include[0].cc`, `env["MY VAR"]`: the spelling users see in messages. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `vmatrix.yml:4: matrix.build: expected a list`: always one line. */
export function issueLine(display: string, line: number, issue: Issue): string {
  const where = formatPath(issue.path);
  return printable(`${display}:${line}: ${where ? `${where}: ` : ''}${issue.message}`);
}

/**
 * Control characters quoted from the file (a lone \r, an escape sequence) would garble the terminal: always one line.
 */
export const printable = inertLine;

/** All issues of a file in one error, one per line, in the order of the file. */
export function invalidFileError(code: string, issues: LocatedIssue[], hint: string): VmError {
  const lines = [...issues].sort((a, b) => a.line - b.line).map((i) => i.text);
  return usageError(code, [...new Set(lines)].join('\n'), { hint });
}
