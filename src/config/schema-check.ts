import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { closest } from '../util/suggest.js';
import { packageRoot } from '../util/package-root.js';
import type { FieldPath, Issue } from './issues.js';

// JSON Schema is the single description of a file's shape: editors complete from it, ajv checks it, and
// this module turns ajv's errors into sentences a user can act on. Messages written for editors
// (`errorMessage`, `patternErrorMessage`, which VS Code's YAML support also shows) are reused here.
//
// Compiling the schemas costs about 0.15 s of every start, so `npm run build` writes ajv's standalone
// code for each (scripts/schema-validators.mjs, into dist/validators/). One is used only when it was made
// from the schema as it is now, by its hash; otherwise the schema is compiled here, as before.

/** verbose: errors carry their parentSchema, where the custom messages live. */
export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, allowUnionTypes: true };
export const AJV_KEYWORDS = ['errorMessage', 'patternErrorMessage', 'markdownDescription'];

const require = createRequire(import.meta.url);
const validators = new Map<string, ValidateFunction>();

export const schemaHash = (text: string): string => createHash('sha256').update(text).digest('hex');
export const precompiledPath = (schemaFile: string): string =>
  join(packageRoot(), 'dist', 'validators', schemaFile.replace(/\.json$/, '.cjs'));

/** The standalone validator built from exactly this schema text, if the build wrote one. */
export function precompiled(schemaFile: string, text: string): ValidateFunction | undefined {
  try {
    const m = require(precompiledPath(schemaFile)) as ValidateFunction & { schemaHash?: string };
    return m.schemaHash === schemaHash(text) ? m : undefined;
  } catch {
    return undefined;
  }
}

export function compileSchema(text: string): ValidateFunction {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv(AJV_OPTIONS);
  ajv.addVocabulary(AJV_KEYWORDS);
  return ajv.compile(JSON.parse(text) as object);
}

function validatorFor(schemaFile: string): ValidateFunction {
  let validate = validators.get(schemaFile);
  if (!validate) {
    const text = readFileSync(join(packageRoot(), 'schema', schemaFile), 'utf8');
    validate = precompiled(schemaFile, text) ?? compileSchema(text);
    validators.set(schemaFile, validate);
  }
  return validate;
}

/** Validates `data` against `schema/<schemaFile>`; an empty list means valid. */
export function schemaIssues(schemaFile: string, data: unknown): Issue[] {
  const validate = validatorFor(schemaFile);
  if (validate(data)) return [];
  const issues = (validate.errors ?? []).map((e) => toIssue(e, data)).filter((i): i is Issue => i !== undefined);
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify(i);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** A segment is an index where the data holds a list: `matrix: { 1: [a] }` has a key "1", not an item. */
function pointerToPath(pointer: string, data: unknown): FieldPath {
  if (!pointer) return [];
  let value = data;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => {
      const seg = s.replace(/~1/g, '/').replace(/~0/g, '~');
      const index = Array.isArray(value) && /^\d+$/.test(seg);
      value = (value as Record<string, unknown> | undefined)?.[seg];
      return index ? Number(seg) : seg;
    });
}

const NOUNS: Record<string, string> = {
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true/false',
  null: 'nothing',
};

function either(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

interface Custom {
  errorMessage?: string;
  patternErrorMessage?: string;
  properties?: Record<string, unknown>;
}

function toIssue(e: ErrorObject, data: unknown): Issue | undefined {
  const path = pointerToPath(e.instancePath, data);
  const parent = (e.parentSchema ?? {}) as Custom;
  const params = e.params as Record<string, unknown>;
  // ajv reports these twice: a propertyNames failure's inner error knows the key, and an if/then
  // failure's inner error says what `then` required.
  if (e.keyword === 'propertyNames' || e.keyword === 'if') return undefined;
  if (e.propertyName !== undefined) path.push(e.propertyName);
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'required key is missing' };
    case 'additionalProperties':
      return unknownKey(path, String(params.additionalProperty), Object.keys(parent.properties ?? {}));
    case 'type':
      return { path, message: `expected ${either([params.type].flat().map((t) => NOUNS[String(t)] ?? String(t)))}` };
    case 'pattern':
      return {
        path,
        message: parent.patternErrorMessage ?? parent.errorMessage ?? `must match ${String(params.pattern)}`,
      };
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return {
        path,
        message: params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} items`,
      };
    case 'uniqueItems':
      return duplicate(path, e.data, Math.max(Number(params.i), Number(params.j)));
    case 'enum':
      return { path, message: `expected one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    default:
      return { path, message: parent.errorMessage ?? e.message ?? 'is not valid' };
  }
}

function unknownKey(path: FieldPath, key: string, known: string[]): Issue {
  const guess = closest(key, known);
  const tail = guess ? `did you mean "${guess}"?` : `expected one of: ${known.join(', ')}`;
  return { path: [...path, key], message: `unknown key (${tail})` };
}

/** Points at the second occurrence: the first one is where the value belongs. */
function duplicate(path: FieldPath, list: unknown, index: number): Issue {
  const value: unknown = Array.isArray(list) ? list[index] : undefined;
  return { path: [...path, index], message: `${JSON.stringify(value)} is listed twice` };
}
