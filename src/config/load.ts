import { readFile } from 'node:fs/promises';
import { usageError } from '../util/errors.js';
import { invalidFileError, type Issue, type LocatedIssue } from './issues.js';
import { limitIssues, normalise, type RawConfig } from './normalise.js';
import { axisNames, placeholderIssues } from './placeholders.js';
import { schemaIssues } from './schema-check.js';
import { stepIssues } from './steps.js';
import type { Config } from './types.js';
import { displayPath, locate, readYaml } from './yaml-source.js';

const HINT = 'fix the lines above; every key is described in vmatrix\'s schema/vmatrix.schema.json';

/** The result of checking a vmatrix.yml: a config, or every problem found, formatted `file:line: path: message`. */
export type ConfigCheck = { config: Config; errors: [] } | { config?: undefined; errors: string[] };

/** Syntax, then the schema, then rules across fields; each stage needs the previous one to have passed. */
function check(text: string, file: string): { config: Config } | { issues: LocatedIssue[] } {
  const source = readYaml(text, file);
  if (source.syntaxErrors.length > 0) return { issues: source.syntaxErrors };
  let issues: Issue[] = source.data == null
    ? [{ path: [], message: 'the file is empty: it needs at least `distros` and `test`' }]
    : schemaIssues('vmatrix.schema.json', source.data);
  if (issues.length === 0) {
    const raw = source.data as RawConfig;
    issues = [...placeholderIssues(raw, axisNames({ matrix: raw.matrix ?? {}, include: raw.include ?? [] })), ...limitIssues(raw), ...stepIssues(raw.test)];
  }
  if (issues.length > 0) return { issues: locate(source, issues) };
  return { config: normalise(source.data as RawConfig, source.file) };
}

/** Checks a vmatrix.yml without throwing (for editors and `vmatrix check`-like callers). */
export function validateConfig(text: string, file: string): ConfigCheck {
  const result = check(text, file);
  if ('config' in result) return { config: result.config, errors: [] };
  return { errors: invalidFileError('CONFIG_INVALID', result.issues, HINT).message.split('\n') };
}

/** Parses and validates vmatrix.yml text; throws one CONFIG_INVALID usage error listing every problem. */
export function parseConfig(text: string, file: string): Config {
  const result = check(text, file);
  if ('issues' in result) throw invalidFileError('CONFIG_INVALID', result.issues, HINT);
  return result.config;
}

export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw usageError('CONFIG_NOT_FOUND', `${displayPath(path)} does not exist`, {
        hint: "run in your project's root or pass --config", cause: e,
      });
    }
    throw usageError('CONFIG_UNREADABLE', `cannot read ${displayPath(path)}: ${code ?? String(e)}`, { cause: e });
  }
  return parseConfig(text, path);
}
