import { isUtf8 } from 'node:buffer';
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isVmError, usageError, type VmError } from '../util/errors.js';
import { isInside, readRegular, type RegularRead } from '../util/host-fs.js';
import { formatSize } from '../util/size.js';
import { invalidFileError, issueLine, type FieldPath, type Issue, type LocatedIssue } from './issues.js';
import { archIssues, limitIssues, normalise, serviceIssues, type RawConfig } from './normalise.js';
import { axisNames, placeholderIssues } from './placeholders.js';
import { schemaIssues } from './schema-check.js';
import { stepIssues } from './steps.js';
import type { Config } from './types.js';
import { displayPath, locate, readYaml } from './yaml-source.js';

/** Past this many problems the rest are only counted: a wrong file (a log, a binary) has thousands. */
const SHOWN = 20;

function invalidConfig(issues: LocatedIssue[], total: number): VmError {
  const counted = total > issues.length ? ` (the first ${issues.length} of ${total} problems)` : '';
  return invalidFileError(
    'CONFIG_INVALID',
    issues,
    `fix the lines above${counted}; every key is described in vmatrix's schema/vmatrix.schema.json`,
  );
}

/**
 * The result of checking a vmatrix.yml: a config, or its problems (the first SHOWN), formatted `file:line: path:
 * message`.
 */
export type ConfigCheck = { config: Config; errors: [] } | { config?: undefined; errors: string[] };

/** Syntax, then the schema, then rules across fields; each stage needs the previous one to have passed. */
function check(text: string, file: string): { config: Config } | { issues: LocatedIssue[]; total: number } {
  const source = readYaml(text, file);
  if (source.syntaxErrors.length > 0)
    return { issues: source.syntaxErrors.slice(0, SHOWN), total: source.syntaxErrors.length };
  let issues: Issue[] =
    source.data == null
      ? [{ path: [], message: 'the file is empty: it needs at least `distros` and `test`' }]
      : schemaIssues('vmatrix.schema.json', source.data);
  if (issues.length === 0) {
    const raw = source.data as RawConfig;
    issues = [
      ...nulIssues(raw),
      ...archIssues(raw),
      ...placeholderIssues(raw, axisNames({ matrix: raw.matrix ?? {}, include: raw.include ?? [] })),
      ...limitIssues(raw),
      ...serviceIssues(raw),
      ...stepIssues(raw.test),
    ];
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
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links',
  ENOTDIR: 'a part of the path is not a directory',
};

export interface LoadOptions {
  /**
   * The operator named the file (`--config`): it may then be a pipe (`--config <(…)`). The project's own
   * vmatrix.yml must be a regular file, or a link to one inside its directory.
   */
  given?: boolean;
}

export async function loadConfig(path: string, o: LoadOptions = {}): Promise<Config> {
  const bytes = await readConfigBytes(path, o.given ?? false);
  if (!isUtf8(bytes)) {
    const line = firstLineNotUtf8(bytes);
    throw usageError('CONFIG_NOT_TEXT', issueLine(displayPath(path), line, { path: [], message: 'not UTF-8 text' }), {
      hint: 'save the file as UTF-8; is --config the right file?',
    });
  }
  return parseConfig(bytes.toString('utf8'), path);
}

/**
 * The file's bytes, at most MAX_SIZE of them. It is the project's, and vmatrix runs as root: a link that
 * leads out of the project's directory, a device or a FIFO is refused without a byte of it read or shown.
 */
async function readConfigBytes(path: string, given: boolean): Promise<Buffer> {
  const shown = displayPath(path);
  let read: RegularRead;
  try {
    read = await readRegular(await configTarget(path, given), MAX_SIZE, {
      pipes: given,
      follow: given && (await isPipe(path)),
    });
  } catch (e) {
    if (isVmError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw usageError('CONFIG_NOT_FOUND', `${shown} does not exist`, {
        hint: "run in your project's root or pass --config",
        cause: e,
      });
    }
    const why = code === undefined ? String(e) : UNREADABLE[code] ? `${UNREADABLE[code]} (${code})` : code;
    throw usageError('CONFIG_UNREADABLE', `cannot read ${shown}: ${why}`, { cause: e });
  }
  if ('refused' in read) {
    throw usageError('CONFIG_NOT_A_FILE', `${shown} is ${read.refused}, not a regular file: vmatrix does not read it`, {
      hint: 'vmatrix.yml must be a plain file of the project',
    });
  }
  if ('tooLarge' in read) {
    throw usageError(
      'CONFIG_TOO_LARGE',
      `${shown} is ${read.tooLarge > MAX_SIZE + 1 ? formatSize(read.tooLarge) : `over ${formatSize(MAX_SIZE)}`}: a ` +
        `vmatrix.yml is at most ${formatSize(MAX_SIZE)}`,
      { hint: 'is --config the right file?' },
    );
  }
  return read.bytes;
}

/** The operator's `--config <(…)` is a link to a pipe (/dev/fd/63): followed as given. */
async function isPipe(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return st !== undefined && (st.isFIFO() || st.isSocket());
}

/** The path to open: the file itself, or where its link leads when that stays in the file's directory. */
async function configTarget(path: string, given: boolean): Promise<string> {
  const st = await lstat(path);
  if (!st.isSymbolicLink() || (given && (await isPipe(path)))) return path;
  const dir = await realpath(dirname(resolve(path)));
  const target = await realpath(path);
  if (!isInside(dir, target)) {
    throw usageError(
      'CONFIG_OUTSIDE_PROJECT',
      `${displayPath(path)} is a symbolic link that leads out of its project (to ${target}): vmatrix does not read it`,
      {
        hint: 'vmatrix runs as root; a vmatrix.yml may link only to a file inside its own project',
      },
    );
  }
  return target;
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
  if (typeof value === 'string')
    return value.includes('\0')
      ? [{ path, message: 'holds a NUL character ("\\0"), which no command, name or path can' }]
      : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulIssues(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...nulIssues(k, [...path, k]), ...nulIssues(v, [...path, k])]);
  }
  return [];
}
