import { formatDuration } from '../util/duration.js';
import type { CellResult, RunResult } from '../results/types.js';
import type { CellInventory } from '../inventory/index.js';
import { REPORT_CSS, REPORT_JS } from './html-assets.js';
import { html, trusted, type Html, type HtmlValue } from './html-escape.js';
import { gridLayout, type GridColumn } from './html-grid.js';
import { describeFailure } from './plain.js';
import { STATUS_LABEL } from './style.js';
import { summaryLine } from './text.js';
import { stripAnsi } from '../util/ansi.js';

// report.html: one self-contained page (inline CSS and script, no network) with the run's header, the
// distro × configuration grid coloured by status, the time of each phase per cell, the images, and every
// cell's log, collapsible and searchable. Every value from the run goes through `html`, which escapes it.

/** What the report shows of a run's triage, by cell id: the inventories read, and the explanations of failures. */
export interface CellTriage {
  inventories: Map<string, CellInventory>;
  /** `vmatrix explain`'s lines for each cell that failed its tests. */
  explanations: Map<string, string[]>;
}

/** The page for a run; `logs` maps a cell id to its log text (a cell without one says its log was not found). */
export function renderHtml(
  result: RunResult,
  logs: Map<string, string>,
  triage: CellTriage = { inventories: new Map(), explanations: new Map() },
): string {
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>vmatrix ${result.runId}: ${summaryLine(result.summary)}</title>
<style>${trusted(REPORT_CSS)}</style></head>
<body>
${header(result)}
<h2>Cells</h2>
${grid(result.cells)}
<h2>Timings</h2>
${timings(result.cells)}
<h2>Images</h2>
${images(result.cells)}
<h2>Logs</h2>
${result.cells.map((c) => [...explained(c, triage), logSection(c, logs.get(c.id), [...companions(c, logs), ...inventoryOf(c, triage)])])}
<script>${trusted(REPORT_JS)}</script>
</body></html>
`.text;
}

/** The anchor of a cell's log, which its grid square links to. */
export function logAnchor(cell: CellResult): string {
  return `log-${cell.slug}`;
}

function header(r: RunResult): Html {
  const ok = r.summary.passed === r.summary.total;
  const facts: [string, HtmlValue][] = [
    ['project', r.project],
    ['config', r.config],
    ['runtime', r.runtime],
    ['started', r.startedAt],
    ['finished', r.finishedAt],
    ['duration', formatDuration(r.durationMs)],
    ['parallel cells', r.jobs],
  ];
  if (r.source) facts.push(['source', `${r.source.repository} ${r.source.ref} (${r.source.commit})`]);
  if (r.matrix?.shard) facts.push(['shard', r.matrix.shard]);
  if (r.mergedFrom) facts.push(['merged from', r.mergedFrom.join(', ')]);
  return html`<header><h1>vmatrix run ${r.runId}</h1>
<p class="summary ${ok ? 'ok' : 'bad'}">${summaryLine(r.summary)} in ${formatDuration(r.durationMs)}</p>
<dl class="run">${facts.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl></header>`;
}

function grid(cells: readonly CellResult[]): Html {
  const { columns, rows } = gridLayout(cells);
  return html`<table id="grid"><thead><tr><th>distro</th>${columns.map((c) => html`<th scope="col">${columnLabel(c)}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr><th scope="row">${row.distro}</th>${row.slots.map(square)}</tr>`)}</tbody></table>`;
}

/** One square of the grid, coloured by its (last) cell's status; empty where the matrix has no cell. */
function square(slot: CellResult[]): Html {
  const last = slot.at(-1);
  if (!last) return html`<td class="empty">–</td>`;
  return html`<td class="status-${last.status}" title="${slot.map(cellTitle).join('\n')}">${slot.map(
    (cell) =>
      html`<a href="#${logAnchor(cell)}">${STATUS_LABEL[cell.status].label.trim()}<small>${formatDuration(cell.durationMs)}</small></a>`,
  )}</td>`;
}

function columnLabel(column: GridColumn): string {
  return column.key === ''
    ? '(no axes)'
    : Object.entries(column.axes)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
}

function cellTitle(cell: CellResult): string {
  return cell.status === 'passed' ? `${cell.id}: passed` : `${cell.id}: ${cell.status} ${describeFailure(cell)}`;
}

const PHASES = ['image', 'setup', 'test'] as const;

function timings(cells: readonly CellResult[]): Html {
  const longest = Math.max(1, ...cells.map((c) => PHASES.reduce((sum, p) => sum + c.phases[p], 0)));
  const legend = html`<p class="legend">${PHASES.map((p) => html`<span class="phase-${p}"></span>${p}`)} (bars to the scale of the longest cell, ${formatDuration(longest)})</p>`;
  return html`${legend}<table class="timings"><tbody>${cells.map(
    (c) =>
      html`<tr><th scope="row">${c.id}</th><td><div class="bar">${PHASES.map((p) =>
        c.phases[p] > 0
          ? html`<span class="phase-${p}" style="width:${((c.phases[p] / longest) * 100).toFixed(2)}%" title="${p} ${formatDuration(c.phases[p])}"></span>`
          : '',
      )}</div></td><td class="what">${PHASES.map((p) => `${p} ${formatDuration(c.phases[p])}`).join(' · ')}</td></tr>`,
  )}</tbody></table>`;
}

function images(cells: readonly CellResult[]): Html {
  const seen = new Map<string, CellResult>();
  for (const c of cells) {
    const key = `${c.distro}\n${c.imageId}\n${c.layerId}`;
    if (!seen.has(key)) seen.set(key, c);
  }
  return html`<table class="images"><thead><tr><th>distro</th><th>image</th><th>setup layer</th></tr></thead><tbody>${[
    ...seen.values(),
  ].map(
    (c) =>
      html`<tr><td>${c.distro}</td><td>${c.imageId ?? '(none)'}</td><td>${c.layerId ?? '(none)'}${c.layerId && c.setupCached !== undefined ? (c.setupCached ? ' (cached)' : ' (built)') : ''}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * The logs that go with a cell's (html-reporter.ts companionLogs): each service's, and a failing system cell's
 * journal; in `logs` under `<cell id>\0<path>`.
 */
function companions(cell: CellResult, logs: Map<string, string>): Html[] {
  const files: Array<[string, string]> = [
    ...(cell.services ?? []).map((s): [string, string] => [
      `service ${s.name} (${s.distro}): ${s.status}${s.readyMs !== undefined ? ` in ${formatDuration(s.readyMs)}` : ''}`,
      s.logPath,
    ]),
    ...(cell.system?.journal ? [['journal of its system', cell.system.journal] as [string, string]] : []),
  ];
  return files.map(([title, path]) => {
    const text = logs.get(`${cell.id}\0${path}`);
    const lines = text === undefined ? [`(not found: ${path})`] : stripAnsi(text).replace(/\n$/, '').split('\n');
    return html`<details class="log companion"><summary>${title} · ${path}</summary>
<pre>${lines.map((line) => html`<span>${line}\n</span>`)}</pre></details>
`;
  });
}

/** Under a cell that failed its tests: what differs where its nearest cells passed (`vmatrix explain`). */
function explained(cell: CellResult, triage: CellTriage): Html[] {
  const lines = triage.explanations.get(cell.id);
  if (!lines) return [];
  return [
    html`<section class="explain" id="explain-${cell.slug}"><h3>${cell.id}: what differs where it passed <small>(vmatrix explain)</small></h3>
<pre class="explain">${lines.join('\n')}</pre></section>
`,
  ];
}

/** A cell's inventory: its C library, compilers, kernel and arch, and every package with its version. */
function inventoryOf(cell: CellResult, triage: CellTriage): Html[] {
  const inv = triage.inventories.get(cell.id);
  if (!inv) return [];
  const facts = [
    inv.libc ? `${inv.libc.name} ${inv.libc.version}` : undefined,
    ...inv.compilers.map((c) => `${c.name} ${c.version}`),
    `${inv.packages.length} packages (${inv.packageManager})`,
    `kernel ${inv.kernel}`,
    inv.arch,
  ].filter((f): f is string => f !== undefined);
  return [
    html`<details class="log companion inventory"><summary>inventory · ${facts.join(' · ')} · ${cell.inventory ?? ''}</summary>
${inv.packagesNote ? html`<p class="note">${inv.packagesNote}</p>` : ''}<table class="packages"><thead><tr><th>package</th><th>version</th><th>arch</th></tr></thead><tbody>${inv.packages.map(
      (p) => html`<tr><td>${p.name}</td><td>${p.version}</td><td>${p.arch ?? ''}</td></tr>`,
    )}</tbody></table></details>
`,
  ];
}

function logSection(cell: CellResult, log: string | undefined, more: Html[] = []): Html {
  const { label } = STATUS_LABEL[cell.status];
  const lines =
    log === undefined ? [`(log not found: ${cell.logPath})`] : stripAnsi(log).replace(/\n$/, '').split('\n');
  return html`<details class="log" id="${logAnchor(cell)}"><summary><span class="badge status-${cell.status}">${label.trim()}</span> ${cell.id} <span class="why">${formatDuration(cell.durationMs)}${cell.status === 'passed' ? '' : ` ${describeFailure(cell)}`} · ${cell.logPath}</span></summary>
<div class="tools"><input type="search" placeholder="search this log" aria-label="search the log of ${cell.id}"> <label><input type="checkbox" checked> matching lines only</label><span class="count"></span></div>
<pre>${lines.map((line) => html`<span>${line}\n</span>`)}</pre>${more}</details>
`;
}
