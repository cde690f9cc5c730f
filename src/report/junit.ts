import { XMLBuilder } from '../util/xml.js';
import type { CellResult, RunResult } from '../results/types.js';
import { describeFailure } from './plain.js';
import { stripAnsi } from '../util/ansi.js';

// junit.xml: the run as JUnit XML, the format GitHub, GitLab and Jenkins read test results from. One
// <testsuite> per distro, one <testcase> per cell (classname = distro, name = cell id); the testcases of
// the project's own JUnit files that `artifacts:` collected go into the same suite, their classname
// prefixed with the cell id so that the same test on two cells stays two tests. The shape is the one of
// the Jenkins JUnit schema (jenkins-junit.xsd), which has no <testsuite> inside a <testsuite>: nesting
// the project's suites would make the file invalid for the strictest readers. fast-xml-parser builds it
// (and parses the project's files, see junit-files.ts): one small, dependency-free, widely used library
// that does both and escapes text and attributes itself.

/** A <failure>, <error> or <skipped> of a testcase: its attributes and its text. */
export interface Detail {
  message?: string;
  type?: string;
  text?: string;
}

/** A testcase of the project's own JUnit file, as read (see parseJunitCases). */
export interface ProjectCase {
  classname: string;
  name: string;
  time?: string;
  skipped?: Detail;
  errors: Detail[];
  failures: Detail[];
  out: string[];
  err: string[];
}

export interface JunitInputs {
  /** The tail of each cell's log, by cell id: the text of its <failure> or <error>. */
  logTails: Map<string, string>;
  /** The project's own testcases, by cell id. */
  projectCases: Map<string, ProjectCase[]>;
}

type Node = Record<string, unknown>;

export function renderJunit(result: RunResult, inputs: JunitInputs): string {
  const byDistro = new Map<string, CellResult[]>();
  for (const cell of result.cells) byDistro.set(cell.distro, [...(byDistro.get(cell.distro) ?? []), cell]);
  const suites = [...byDistro].map(([distro, cells]) => suite(distro, cells, result, inputs));
  const total = (key: string): number => suites.reduce((sum, s) => sum + Number(s[`@_${key}`]), 0);
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'vmatrix',
      '@_tests': total('tests'),
      '@_failures': total('failures'),
      '@_errors': total('errors'),
      '@_time': seconds(result.durationMs),
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    format: true,
    suppressEmptyNode: true,
  });
  return builder.build(doc);
}

function suite(distro: string, cells: CellResult[], result: RunResult, inputs: JunitInputs): Node {
  const cases = cells.flatMap((c) => [
    cellCase(c, inputs.logTails.get(c.id)),
    ...(inputs.projectCases.get(c.id) ?? []).map((p) => projectCase(c, p)),
  ]);
  const count = (tag: string): number => cases.filter((c) => tag in c).length;
  return {
    '@_name': distro,
    '@_tests': cases.length,
    '@_failures': count('failure'),
    '@_errors': count('error'),
    '@_skipped': count('skipped'),
    '@_time': seconds(cells.reduce((sum, c) => sum + c.durationMs, 0)),
    // Without a zone and fractions: the form every JUnit schema accepts.
    '@_timestamp': result.startedAt.slice(0, 19),
    testcase: cases,
  };
}

function cellCase(cell: CellResult, tail: string | undefined): Node {
  const node: Node = { '@_classname': cell.distro, '@_name': cell.id, '@_time': seconds(cell.durationMs) };
  const why = clean(describeFailure(cell).replace(/^\((.*)\)$/s, '$1'));
  const text = tail === undefined ? `(no log: ${cell.logPath} is not readable here)` : clean(tail);
  switch (cell.status) {
    case 'passed':
      break;
    case 'flaky':
      node['system-out'] = `flaky: ${why}`;
      break;
    case 'cancelled':
      node.skipped = '';
      if (cell.message) node['system-out'] = clean(`cancelled: ${cell.message}`);
      break;
    case 'error':
      node.error = { '@_message': why, '@_type': cell.status, '#text': text };
      break;
    default:
      node.failure = { '@_message': why, '@_type': cell.status, '#text': text };
  }
  return node;
}

/** The schema's order: skipped, error*, failure*, system-out*, system-err*; the builder keeps key order. */
function projectCase(cell: CellResult, p: ProjectCase): Node {
  const detail = (d: Detail): Node => ({
    ...(d.message !== undefined && { '@_message': clean(d.message) }),
    ...(d.type !== undefined && { '@_type': clean(d.type) }),
    '#text': clean(d.text ?? ''),
  });
  const node: Node = { '@_classname': clean(`${cell.id}/${p.classname}`), '@_name': clean(p.name) };
  if (p.time !== undefined && Number.isFinite(Number(p.time))) node['@_time'] = p.time;
  if (p.skipped) node.skipped = clean(p.skipped.text || p.skipped.message || '');
  if (p.errors.length > 0) node.error = p.errors.map(detail);
  if (p.failures.length > 0) node.failure = p.failures.map(detail);
  if (p.out.length > 0) node['system-out'] = p.out.map(clean);
  if (p.err.length > 0) node['system-err'] = p.err.map(clean);
  return node;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * Text an XML 1.0 document can hold: logs carry terminal colour codes and other control characters that
 * no XML parser accepts, so colour codes are dropped and the rest replaced by U+FFFD.
 */
export function clean(text: string): string {
  return stripAnsi(text).replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}
