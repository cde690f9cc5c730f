import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { readEnd } from '../util/tail.js';
import { formatSize } from '../util/size.js';
import type { CellResult, RunResult } from '../results/types.js';
import { renderHtml, type CellTriage } from './html.js';
import { explainCell, explanationLines, parseInventory } from '../triage/index.js';
import { isProjectFailure } from '../results/status.js';
import type { EventOf, Reporter } from './types.js';

/**
 * Of each cell's log, report.html holds at most the last this many bytes: a runaway log must not make a page
 * no browser opens.
 */
export const LOG_CAP_BYTES = 200 * 1024;

/** Writes <runDir>/report.html beside results.json at the end of a run. */
export class HtmlReporter implements Reporter {
  /** Cells' log paths are relative to the project directory (default: the one results.json names). */
  constructor(private readonly projectDir?: string) {}

  onRunEnd({ result, runDir }: EventOf<'run-end'>): Promise<void> {
    return writeHtmlReport(result, this.projectDir ?? result.project, join(runDir, 'report.html'), [runDir]);
  }
}

/**
 * Reads every cell's log (capped) and writes the report to `file`; also for rebuilding a report from
 * results.json. `runDirs`: logs are read only inside these (see readRunFile).
 */
export async function writeHtmlReport(
  result: RunResult,
  projectDir: string,
  file: string,
  runDirs?: string[],
): Promise<void> {
  const logs = await readCellLogs(result, projectDir, LOG_CAP_BYTES, runDirs);
  await writeFileAtomic(file, renderHtml(result, logs, await readTriage(result, projectDir, runDirs)));
}

/**
 * The most of an inventory.json, or of a log's end, that the report reads to explain a failure (less than
 * `vmatrix explain` reads: a report is written at the end of every run).
 */
const TRIAGE_CAP_BYTES = 8 * 1024 * 1024;

/** How many failed cells the report explains; the rest say which command does. */
export const EXPLAINED_CELLS = 20;

/**
 * Each cell's inventory, and for each cell that failed its tests what `vmatrix explain` says of it: the report
 * shows the same comparison as the command, for the first EXPLAINED_CELLS of them, so that a run where
 * everything failed does not spend minutes writing its report. A cell whose files cannot be read has none.
 */
async function readTriage(result: RunResult, projectDir: string, runDirs?: string[]): Promise<CellTriage> {
  const read = async (path: string) =>
    (await readEnd(join(projectDir, path), TRIAGE_CAP_BYTES, runDirs).catch(() => undefined))?.bytes.toString('utf8');
  // Inventories are small and every explanation reads its neighbours' again: each is read once. Logs are not
  // kept (up to 8 MiB each).
  const inventories = new Map<string, Promise<string | undefined>>();
  const inventoryPaths = new Set(result.cells.map((c) => c.inventory));
  const readText = (path: string) => {
    if (!inventoryPaths.has(path)) return read(path);
    if (!inventories.has(path)) inventories.set(path, read(path));
    return inventories.get(path)!;
  };
  const triage: CellTriage = { inventories: new Map(), explanations: new Map() };
  let explained = 0;
  for (const cell of result.cells) {
    const inventory = cell.inventory ? await readText(cell.inventory) : undefined;
    const parsed = inventory === undefined ? undefined : parseInventory(inventory);
    if (parsed) triage.inventories.set(cell.id, parsed);
    if (!isProjectFailure(cell.status) || cell.phase !== 'test') continue;
    if (++explained > EXPLAINED_CELLS) {
      triage.explanations.set(cell.id, [
        `(the report explains the first ${EXPLAINED_CELLS} failed cells: vmatrix explain --run ${result.runId} ` +
          `${cell.id} explains this one)`,
      ]);
      continue;
    }
    const explanation = await explainCell({ run: result, readText }, cell.id).catch(() => undefined);
    if (explanation) triage.explanations.set(cell.id, explanationLines(explanation));
  }
  return triage;
}

/** Cell id → log text, the tail of a long log with a first line saying so; a missing log is left out. */
export async function readCellLogs(
  result: RunResult,
  projectDir: string,
  cap = LOG_CAP_BYTES,
  runDirs?: string[],
): Promise<Map<string, string>> {
  const logs = new Map<string, string>();
  for (const cell of result.cells) {
    const text = await readTail(join(projectDir, cell.logPath), cap, cell.logPath, runDirs).catch(() => undefined);
    if (text !== undefined) logs.set(cell.id, text);
    for (const path of companionLogs(cell)) {
      const more = await readTail(join(projectDir, path), cap, path, runDirs).catch(() => undefined);
      if (more !== undefined) logs.set(`${cell.id}\0${path}`, more);
    }
  }
  return logs;
}

/** The logs shown with a cell's: its services', and the journal of a failing system cell. */
function companionLogs(cell: CellResult): string[] {
  return [...(cell.services ?? []).map((s) => s.logPath), ...(cell.system?.journal ? [cell.system.journal] : [])];
}

async function readTail(path: string, cap: number, shownPath: string, runDirs?: string[]): Promise<string | undefined> {
  const end = await readEnd(path, cap, runDirs);
  if (!end) return undefined;
  if (end.start === 0) return end.bytes.toString('utf8');
  // Start at a line boundary, which is also never inside a UTF-8 character.
  const from = end.bytes.indexOf(0x0a) + 1;
  const left = end.start + from;
  const note = `[vmatrix: the first ${formatSize(left)} of this log are left out; the whole log is ${shownPath}]`;
  return `${note}\n${end.bytes.subarray(from).toString('utf8')}`;
}
