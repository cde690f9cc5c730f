import { join } from 'node:path';
import { XMLParser } from '../util/xml.js';
import { writeFileAtomic } from '../util/fs.js';
import { readRunFile } from '../util/host-fs.js';
import { fileTail } from '../util/tail.js';
import type { RunResult } from '../results/types.js';
import { renderJunit, type Detail, type JunitInputs, type ProjectCase } from './junit.js';

// What junit.xml is built from besides results.json: the tail of each cell's log and the testcases of
// the JUnit files a cell's `artifacts:` collected. Both are read from the project directory the run
// wrote them to; a log or an artifact that is not there (results of another machine) is left out.

const TAIL_LINES = 50;

export async function readJunitInputs(result: RunResult, projectDir: string, runDirs?: string[]): Promise<JunitInputs> {
  const inputs: JunitInputs = { logTails: new Map(), projectCases: new Map() };
  for (const cell of result.cells) {
    const tail = await fileTail(join(projectDir, cell.logPath), TAIL_LINES, runDirs);
    if (tail !== undefined) inputs.logTails.set(cell.id, tail.join('\n'));
    const cases: ProjectCase[] = [];
    for (const file of (cell.artifacts ?? []).filter((f) => f.toLowerCase().endsWith('.xml'))) {
      const text = await readRunFile(join(projectDir, cell.artifactsPath ?? '', file), runDirs);
      if (text !== undefined) cases.push(...parseJunitCases(text));
    }
    if (cases.length > 0) inputs.projectCases.set(cell.id, cases);
  }
  return inputs;
}

/** `runDirs`: logs and artifacts are read only inside these (see readRunFile). */
export async function writeJunit(
  file: string,
  result: RunResult,
  projectDir: string,
  runDirs?: string[],
): Promise<void> {
  await writeFileAtomic(file, renderJunit(result, await readJunitInputs(result, projectDir, runDirs)));
}

const REPEATED = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped', 'system-out', 'system-err']);
type Element = Record<string, unknown>;

/**
 * Every testcase of a JUnit file (a <testsuites> or <testsuite> root, suites nested to any depth), with
 * the name of its innermost suite standing in for a missing classname. Not JUnit, or not XML: none.
 */
export function parseJunitCases(xml: string): ProjectCase[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => REPEATED.has(name),
  });
  let doc: Element;
  try {
    doc = parser.parse(xml) as Element;
  } catch {
    return [];
  }
  const root = (doc.testsuites as Element | undefined) ?? { testsuite: doc.testsuite };
  return casesOf(root, '');
}

function casesOf(suite: Element, suiteName: string): ProjectCase[] {
  const own = list(suite.testcase).map((c) => testCase(c, suiteName));
  return [...own, ...list(suite.testsuite).flatMap((s) => casesOf(s, attr(s, 'name') ?? suiteName))];
}

function testCase(c: Element, suiteName: string): ProjectCase {
  const skipped = list(c.skipped)[0];
  return {
    classname: attr(c, 'classname') ?? suiteName,
    name: attr(c, 'name') ?? '',
    time: attr(c, 'time'),
    ...(skipped !== undefined && { skipped: detail(skipped) }),
    errors: list(c.error).map(detail),
    failures: list(c.failure).map(detail),
    out: list(c['system-out']).map(textOf),
    err: list(c['system-err']).map(textOf),
  };
}

function list(value: unknown): Element[] {
  return Array.isArray(value)
    ? (value as unknown[]).map((v) =>
        typeof v === 'object' && v !== null ? (v as Element) : { '#text': String(v as string | number | boolean) },
      )
    : [];
}

function attr(e: Element, name: string): string | undefined {
  const v = e[`@_${name}`];
  return v === undefined ? undefined : scalar(v);
}

/** An attribute's or text node's value as the parser gives it (string, number or boolean) as text. */
function scalar(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function textOf(e: Element): string {
  return scalar(e['#text']);
}

function detail(e: Element): Detail {
  return { message: attr(e, 'message'), type: attr(e, 'type'), text: textOf(e) };
}
