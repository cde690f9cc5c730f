import { isAbsolute, relative, resolve } from 'node:path';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Parser,
  stringify,
  visit,
  type Alias,
  type CST,
  type Document,
  type Node,
  type Scalar,
} from 'yaml';
import { issueLine, type FieldPath, type Issue, type LocatedIssue } from './issues.js';

/** A parsed YAML file that remembers where every value came from, so messages can name a line. */
export interface YamlSource {
  /** Absolute path. */
  file: string;
  /** The path as shown in messages: relative to the cwd when that is shorter. */
  display: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The plain data (null for an empty file). */
  data: unknown;
  /** YAML syntax errors, already located and formatted. */
  syntaxErrors: LocatedIssue[];
}

export function displayPath(file: string): string {
  const abs = resolve(file);
  const rel = relative(process.cwd(), abs);
  // Relative inside the working directory (what the user typed, usually), absolute outside it: a path
  // of ../../ climbs depends on where the command ran and is harder to read.
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

export function readYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const display = displayPath(file);
  const at = (line: number, message: string): LocatedIssue => ({
    path: [],
    message,
    line,
    text: issueLine(display, line, { path: [], message }),
  });
  const deep = tooDeep(text);
  // The core schema whatever a `%YAML 1.1` line asks for: its !!binary, !!set, !!omap and merge keys make
  // values that are not JSON (a Set passes for an empty mapping) or throw while being built.
  // Duplicate keys are found below, in one pass: yaml's own check compares every key with every other
  // (a 256 KiB file of keys took seconds).
  const doc = parseDocument(deep === undefined ? text : '', {
    lineCounter,
    keepSourceTokens: true,
    prettyErrors: true,
    schema: 'core',
    uniqueKeys: false,
  });
  const syntaxErrors =
    deep !== undefined
      ? [at(lineAt(text, deep), `lists and mappings are nested more than ${MAX_DEPTH} deep`)]
      : // yaml appends " at line N, column M:" and a code excerpt; we print our own location.
        doc.errors.map((e) =>
          at(e.linePos?.[0].line ?? 1, e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')),
        );
  if (syntaxErrors.length === 0) {
    for (const { key, first } of duplicateKeys(doc)) {
      syntaxErrors.push(
        at(
          lineCounter.linePos(key.range?.[0] ?? 0).line,
          `${JSON.stringify(String(key.value))} is given twice in this mapping (first on line ` +
            `${lineCounter.linePos(first.range?.[0] ?? 0).line})`,
        ),
      );
    }
  }
  let data: unknown = null;
  if (syntaxErrors.length === 0) {
    keepNumbersAsWritten(doc.contents);
    try {
      data = doc.toJS();
    } catch (e) {
      // yaml refuses, with a ReferenceError, aliases that expand to too much (a "billion laughs").
      if (!(e instanceof ReferenceError)) throw e;
      const alias = firstAlias(doc);
      syntaxErrors.push(
        at(
          lineCounter.linePos(alias?.range?.[0] ?? 0).line,
          `the aliases (*${alias?.source}) expand to too many values`,
        ),
      );
    }
  }
  return { file: resolve(file), display, doc, lineCounter, data, syntaxErrors };
}

/** Scalar keys given twice in one mapping, each with the first one, in document order. */
function duplicateKeys(doc: Document): Array<{ key: Scalar; first: Scalar }> {
  const found: Array<{ key: Scalar; first: Scalar }> = [];
  visit(doc, {
    Map: (_, map) => {
      const seen = new Map<string, Scalar>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        const first = seen.get(name);
        if (first) found.push({ key: pair.key, first });
        else seen.set(name, pair.key);
      }
    },
  });
  return found;
}

/** yaml builds values recursively: far deeper than any vmatrix.yml (5 levels), it runs out of stack. */
const MAX_DEPTH = 64;

/** Where a collection nested more than MAX_DEPTH deep starts, if one is: found without recursion. */
function tooDeep(text: string): number | undefined {
  const stack = [...new Parser().parse(text)].map((token) => ({ token, depth: 0 }));
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { token, depth } = next;
    if (depth > MAX_DEPTH) return token.offset;
    const children: Array<CST.Token | null | undefined> =
      token.type === 'document'
        ? [token.value]
        : 'items' in token
          ? token.items.flatMap((item) => [item.key, item.value])
          : [];
    for (const child of children) if (child) stack.push({ token: child, depth: depth + 1 });
  }
  return undefined;
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function firstAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias: (_, alias) => {
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * `python: [3.9, 3.10]` must not become `3.1`. Values are compared as strings anyway, so a number whose
 * canonical form differs from what was written (3.10, 1e3, 0x10) is kept as the written text.
 */
function keepNumbersAsWritten(node: unknown): void {
  if (isScalar(node) && typeof node.value === 'number') {
    const source = (node.srcToken as { source?: string } | undefined)?.source;
    if (source !== undefined && String(node.value) !== source) node.value = source;
  } else if (isMap(node)) {
    for (const pair of node.items) keepNumbersAsWritten(pair.value);
  } else if (isSeq(node)) {
    for (const item of node.items) keepNumbersAsWritten(item);
  }
}

/**
 * The line a path points at: the key's line for a mapping entry (where the user looks), the item's own
 * line for a list item; when the path goes further than the document, the deepest node that exists.
 */
export function lineOf(source: YamlSource, path: FieldPath): number {
  let node: unknown = source.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      next = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      next = node.items[seg];
      offset = (next as Node).range?.[0] ?? offset;
    } else break;
    node = next;
  }
  return source.lineCounter.linePos(offset).line;
}

export function locate(source: YamlSource, issues: Issue[]): LocatedIssue[] {
  return issues.map((issue) => {
    const line = lineOf(source, issue.path);
    return { ...issue, line, text: issueLine(source.display, line, issue) };
  });
}

/** YAML for a CI file to read (a GitLab parallel:matrix): strings double-quoted, keys plain. */
export function ciYaml(value: unknown): string {
  return stringify(value, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }).trimEnd();
}
