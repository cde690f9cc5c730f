import type { Component } from '../inventory/types.js';
import { inertLine } from '../util/inert.js';
import type { Comparison, ExplainedCell, Explanation, LogComparison, LogLine } from './types.js';

// An explanation as plain text for the terminal: one string per line, no colour, within 100 columns. Every piece
// of project-controlled text (ids, axis values, step names, log lines, packages, env values) goes through
// inertLine() here; the Explanation itself keeps them as written.

/** Packages shown per compared cell; the rest are counted (`--json` has them all). */
export const PACKAGES_SHOWN = 12;
const WIDTH = 100;
const LABEL = 11;

function fit(line: string): string {
  return line.length <= WIDTH ? line : `${line.slice(0, WIDTH - 1)}…`;
}

const INDENT = ' '.repeat(2 + LABEL);

function row(label: string, text: string): string {
  return `  ${label.padEnd(LABEL)}${text}`;
}

/** A row whose text is wrapped at spaces to fit, continued under the text. */
function rows(label: string, text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && INDENT.length + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? row(label, l) : `${INDENT}${l}`));
}

function headline(c: ExplainedCell): string {
  const at = c.step !== undefined ? ` at ${c.phase === 'setup' ? 'setup ' : ''}step "${inertLine(c.step)}"` : '';
  const exit = c.exitCode !== null ? ` (exit ${c.exitCode})` : '';
  const where = c.phase === 'setup' || c.phase === 'image' ? ` in ${c.phase}` : '';
  switch (c.status) {
    case 'timed-out':
      return `${inertLine(c.id)} timed out${at}`;
    case 'oom-killed':
      return `${inertLine(c.id)} was killed for lack of memory${at}${exit}`;
    case 'error':
      return `${inertLine(c.id)} could not run${at}`;
    default:
      return `${inertLine(c.id)} ${c.status}${where}${at}${exit}`;
  }
}

function component(c: Component | undefined): string {
  return c ? `${inertLine(c.name)} ${inertLine(c.version)}` : '(none found)';
}

function versions(list: Component[]): string {
  return list.length === 0 ? '(none)' : list.map((c) => inertLine(c.version)).join(', ');
}

function from(list: Component[]): string {
  return list.length === 0 ? '-' : list.map((c) => inertLine(c.from)).join(', ');
}

function packageLines(c: Comparison): string[] {
  if (!c.packages) return [];
  const { total, differences } = c.packages;
  if (total === 0) return [row('packages', '(none differ)')];
  const shown = differences.slice(0, PACKAGES_SHOWN);
  const width = Math.min(28, Math.max(...shown.map((d) => inertLine(d.name).length)) + 2);
  const lines = [row('packages', `${total} differ${total > shown.length ? '; most telling first' : ''}:`)];
  for (const d of shown)
    lines.push(
      `${INDENT}${inertLine(d.name).padEnd(width)}` +
        `${d.failing !== undefined ? inertLine(d.failing) : '(not installed)'} ≠ ` +
        `${d.passing !== undefined ? inertLine(d.passing) : '(not installed)'}`,
    );
  if (total > shown.length) lines.push(`${INDENT}and ${total - shown.length} more`);
  return lines;
}

function envLines(c: Comparison): string[] {
  if (!c.env) return [];
  if (c.env.length === 0) return [row('env', '(none differ)')];
  return c.env.map((e, i) =>
    row(
      i === 0 ? 'env' : '',
      `${inertLine(e.name)}: ${e.failing !== undefined ? inertLine(e.failing) : '(unset)'} ≠ ` +
        `${e.passing !== undefined ? inertLine(e.passing) : '(unset)'}`,
    ),
  );
}

function logLine(mark: string, l: LogLine): string {
  return `${INDENT}${mark} ${String(l.line).padStart(5)}  ${inertLine(l.text)}`;
}

function logLines(c: Comparison, log: LogComparison): string[] {
  const what = log.scope === 'step' ? `step "${inertLine(log.step)}"` : 'the test steps';
  const lines: string[] = [];
  const d = log.departure;
  if (!d) {
    if (log.notes.length === 0 || log.scope === 'tests')
      lines.push(...rows('log', `${what}: the same in both logs once masked (times, paths, ids)`));
  } else {
    const where = d.failing
      ? `its line ${d.failing.line} departs:`
      : `its output stops short of ${inertLine(c.cell.id)}'s:`;
    lines.push(...rows('log', `${what}, ${where}`));
    for (const l of d.context) lines.push(logLine(l.line === d.failing?.line ? '-' : ' ', l));
    if (d.failing && d.failing.masked !== d.failing.text)
      lines.push(`${INDENT}  masked: ${inertLine(d.failing.masked)}`);
    if (d.passing) {
      lines.push(`${INDENT}${inertLine(c.cell.id)} had instead, at its line ${d.passing.line}:`);
      lines.push(logLine('+', d.passing));
    }
  }
  for (const note of log.notes) lines.push(...rows(lines.length === 0 ? 'log' : '', inertLine(note)));
  if (log.earlierSteps.length > 0)
    lines.push(
      ...rows('earlier', `steps that differ too: ${log.earlierSteps.map((s) => `"${inertLine(s)}"`).join(', ')}`),
    );
  return lines;
}

function comparisonLines(c: Comparison): string[] {
  const lines = [`vs ${inertLine(c.cell.id)} (${c.cell.status}; ${c.relation})`];
  for (const a of c.axes)
    lines.push(
      row(
        inertLine(a.name),
        `${a.failing !== undefined ? inertLine(a.failing) : '(none)'} ≠ ` +
          `${a.passing !== undefined ? inertLine(a.passing) : '(none)'}`,
      ),
    );
  if (c.libc) {
    const { failing: f, passing: p } = c.libc;
    lines.push(
      row(
        'libc',
        `${component(f)} ≠ ${component(p)}   (${f ? inertLine(f.from) : '-'} / ${p ? inertLine(p.from) : '-'})`,
      ),
    );
  }
  for (const x of c.compilers)
    lines.push(
      row(
        'compiler',
        `${inertLine(x.name)} ${versions(x.failing)} ≠ ${versions(x.passing)}   ` +
          `(${from(x.failing)} / ${from(x.passing)})`,
      ),
    );
  lines.push(...packageLines(c), ...envLines(c));
  if (c.log) lines.push(...logLines(c, c.log));
  for (const note of c.notes) lines.push(...rows('note', inertLine(note)));
  return lines;
}

/** The explanation as text: plain, one string per line, no colour. */
export function explanationLines(e: Explanation): string[] {
  const lines = [headline(e.cell), `log: ${inertLine(e.cell.logPath)}`];
  e.compared.forEach((c, i) =>
    lines.push(
      `${i === 0 ? 'compared with' : '          and'} ${inertLine(c.cell.id)} (${c.cell.status}; ${c.relation})`,
    ),
  );
  for (const note of e.notes) lines.push(`note: ${inertLine(note)}`);
  for (const c of e.compared) lines.push('', ...comparisonLines(c));
  return lines.map(fit);
}
