import { usageError, type VmError } from '../util/errors.js';

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

/** Control characters quoted from the file (a lone \r, an escape sequence) would garble the terminal. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `vmatrix.yml:4: matrix.build: expected a list`: always one line. */
export function issueLine(display: string, line: number, issue: Issue): string {
  const where = formatPath(issue.path);
  return printable(`${display}:${line}: ${where ? `${where}: ` : ''}${issue.message}`);
}

/** `text` with its control and line-separator characters written as \u escapes: always one line. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** All issues of a file in one error, one per line, in the order of the file. */
export function invalidFileError(code: string, issues: LocatedIssue[], hint: string): VmError {
  const lines = [...issues].sort((a, b) => a.line - b.line).map((i) => i.text);
  return usageError(code, [...new Set(lines)].join('\n'), { hint });
}
