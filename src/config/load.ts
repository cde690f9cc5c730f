import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { usageError, type VmError } from '../util/errors.js';
import { formatSize } from '../util/size.js';
import { invalidFileError, issueLine, type FieldPath, type Issue, type LocatedIssue } from './issues.js';
import { limitIssues, normalise, type RawConfig } from './normalise.js';
import { axisNames, placeholderIssues } from './placeholders.js';
import { schemaIssues } from './schema-check.js';
import { stepIssues } from './steps.js';
import type { Config } from './types.js';
import { displayPath, locate, readYaml } from './yaml-source.js';

/** Past this many problems the rest are only counted: a wrong file (a log, a binary) has thousands. */
const SHOWN = 20;

function invalidConfig(issues: LocatedIssue[], total: number): VmError {
  const counted = total > issues.length ? ` (the first ${issues.length} of ${total} problems)` : '';
  return invalidFileError('CONFIG_INVALID', issues, `fix the lines above${counted}; every key is described in vmatrix's schema/vmatrix.schema.json`);
}

/** The result of checking a vmatrix.yml: a config, or its problems (the first SHOWN), formatted `file:line: path: message`. */
export type ConfigCheck = { config: Config; errors: [] } | { config?: undefined; errors: string[] };

/** Syntax, then the schema, then rules across fields; each stage needs the previous one to have passed. */
function check(text: string, file: string): { config: Config } | { issues: LocatedIssue[]; total: number } {
  const source = readYaml(text, file);
  if (source.syntaxErrors.length > 0) return { issues: source.syntaxErrors.slice(0, SHOWN), total: source.syntaxErrors.length };
  let issues: Issue[] = source.data == null
    ? [{ path: [], message: 'the file is empty: it needs at least `distros` and `test`' }]
    : schemaIssues('vmatrix.schema.json', source.data);
  if (issues.length === 0) {
    const raw = source.data as RawConfig;
    issues = [...nulIssues(raw), ...placeholderIssues(raw, axisNames({ matrix: raw.matrix ?? {}, include: raw.include ?? [] })), ...limitIssues(raw), ...stepIssues(raw.test)];
  }
  if (issues.length > 0) return { issues: locate(source, issues.slice(0, SHOWN)), total: issues.length };
  return { config: normalise(source.data as RawConfig, source.file) };
}

/** Checks a vmatrix.yml without throwing (for editors and `vmatrix check`-like callers). */
export function validateConfig(text: string, file: string): ConfigCheck {
  const result = check(text, file);
  if ('config' in result) return { config: result.config, errors: [] };
  return { errors: invalidConfig(result.issues, result.total).message.split('\n') };
}

/** Parses and validates vmatrix.yml text; throws one CONFIG_INVALID usage error listing its problems. */
export function parseConfig(text: string, file: string): Config {
  const result = check(text, file);
  if ('issues' in result) throw invalidConfig(result.issues, result.total);
  return result.config;
}

/** 50 times any real vmatrix.yml: a larger one is the wrong file, and not worth the time to parse and check. */
const MAX_SIZE = 256 * 2 ** 10;

/** Why a file cannot be read, in words, for the errno codes a user can cause and fix. */
const UNREADABLE: Record<string, string> = {
  EISDIR: 'it is a directory', EACCES: 'permission denied', EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links', ENOTDIR: 'a part of the path is not a directory',
};

export async function loadConfig(path: string): Promise<Config> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw usageError('CONFIG_NOT_FOUND', `${displayPath(path)} does not exist`, {
        hint: "run in your project's root or pass --config", cause: e,
      });
    }
    const why = code === undefined ? String(e) : UNREADABLE[code] ? `${UNREADABLE[code]} (${code})` : code;
    throw usageError('CONFIG_UNREADABLE', `cannot read ${displayPath(path)}: ${why}`, { cause: e });
  }
  if (bytes.length > MAX_SIZE) {
    throw usageError('CONFIG_TOO_LARGE', `${displayPath(path)} is ${formatSize(bytes.length)}: a vmatrix.yml is at most ${formatSize(MAX_SIZE)}`, { hint: 'is --config the right file?' });
  }
  if (!isUtf8(bytes)) {
    const line = firstLineNotUtf8(bytes);
    throw usageError('CONFIG_NOT_TEXT', issueLine(displayPath(path), line, { path: [], message: 'not UTF-8 text' }), { hint: 'save the file as UTF-8; is --config the right file?' });
  }
  return parseConfig(bytes.toString('utf8'), path);
}

/** A newline byte is never part of a multi-byte UTF-8 character, so lines can be checked one by one. */
function firstLineNotUtf8(bytes: Buffer): number {
  let line = 1;
  for (let start = 0, end = 0; end !== -1; start = end + 1, line++) {
    end = bytes.indexOf(0x0a, start);
    if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end))) return line;
  }
  return 1;
}

/**
 * A NUL (`"\0"` in a quoted string) ends a string wherever it reaches the system: a command, a package
 * name or a path would be cut there, silently. Every string of the file, keys included, is checked.
 */
function nulIssues(value: unknown, path: FieldPath = []): Issue[] {
  if (typeof value === 'string') return value.includes('\0') ? [{ path, message: 'holds a NUL character ("\\0"), which no command, name or path can' }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulIssues(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...nulIssues(k, [...path, k]), ...nulIssues(v, [...path, k])]);
  }
  return [];
}
