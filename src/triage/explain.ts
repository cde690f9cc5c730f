import { stepName } from '../config/steps.js';
import type { CellInventory, Component } from '../inventory/types.js';
import type { CellResult, RunResult } from '../results/types.js';
import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';
import { cutLog, firstDeparture, sameSection, stepSection, testsSection, type CutLog, type StepMarker } from './log.js';
import { masker } from './mask.js';
import { nearestPassing, type Neighbour } from './neighbours.js';
import { isFailure, isPass, isProjectFailure } from '../results/status.js';
import { compilerDifferences, envDifferences, libcDifference, packageDifferences } from './packages.js';
import type { AxisDifference, Comparison, ExplainedCell, Explanation, LogComparison } from './types.js';

/** Where an explanation reads a run from: its results and its files. */
export interface ExplainSource {
  /** A parsed results.json. */
  run: RunResult;
  /**
   * A file of the run by its path relative to the project dir (CellResult.logPath, .inventory), bounded in size by
   * the caller; undefined when missing.
   */
  readText(path: string): Promise<string | undefined>;
}

/** What is read of one cell: its result, inventory and log. */
interface Side {
  cell: CellResult;
  inv?: CellInventory;
  /** Why `inv` is missing. */
  invNote?: string;
  log?: string;
  steps: StepMarker[];
}

const isString = (v: unknown): v is string => typeof v === 'string';

function isComponent(v: unknown): v is Component {
  const c = v as Component;
  return typeof v === 'object' && v !== null && isString(c.name) && isString(c.version) && isString(c.from);
}

/** inventory.json, when it has the shape explain reads (the run dir is the project's: not trusted to be whole). */
export function parseInventory(text: string): CellInventory | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const inv = v as CellInventory;
  if (typeof v !== 'object' || v === null || inv.version !== 1) return undefined;
  const packagesOk =
    Array.isArray(inv.packages) && inv.packages.every((p) => isString(p?.name) && isString(p?.version));
  const envOk =
    typeof inv.env === 'object' &&
    inv.env !== null &&
    !Array.isArray(inv.env) &&
    Object.values(inv.env).every(isString);
  const ok =
    packagesOk &&
    envOk &&
    Array.isArray(inv.compilers) &&
    inv.compilers.every(isComponent) &&
    (inv.libc === undefined || isComponent(inv.libc)) &&
    Array.isArray(inv.steps) &&
    inv.steps.every(isString) &&
    (inv.requested === undefined || (Array.isArray(inv.requested) && inv.requested.every(isString)));
  return ok ? inv : undefined;
}

async function readSide(src: ExplainSource, cell: CellResult, withLog: boolean): Promise<Side> {
  let inv: CellInventory | undefined;
  let invNote: string | undefined;
  if (cell.inventory === undefined) invNote = `${cell.id} has no inventory (results written before inventories)`;
  else {
    const text = await src.readText(cell.inventory);
    if (text === undefined) invNote = `${cell.id}'s inventory was not found (${cell.inventory})`;
    else {
      inv = parseInventory(text);
      if (!inv) invNote = `${cell.id}'s inventory could not be read (${cell.inventory})`;
    }
  }
  const log = withLog ? await src.readText(cell.logPath) : undefined;
  return { cell, ...(inv && { inv }), ...(invNote && { invNote }), ...(log !== undefined && { log }), steps: [] };
}

/** A cell's steps: inventory.json's full texts when it has them, else results.json's names. */
function stepsOf(cell: CellResult, inv: CellInventory | undefined): StepMarker[] {
  const ran = cell.steps ?? [];
  if (inv && inv.steps.length > 0) return inv.steps.map((text, k) => ({ name: ran[k]?.name ?? stepName(text), text }));
  return ran.map((s) => ({ name: s.name }));
}

/** The failing cell's failed step, by its position among its steps. */
function failedStepIndex(side: Side): number | undefined {
  const { cell, steps } = side;
  if (cell.step === undefined) return undefined;
  const ran = cell.steps ?? [];
  // The failed step is the last that ran; a name given twice is told apart by that.
  for (let k = ran.length - 1; k >= 0; k--) if (ran[k].name === cell.step) return k;
  const k = steps.findIndex((s) => s.name === cell.step);
  return k >= 0 ? k : undefined;
}

/** The compared cell's step that is the failing cell's step `s` (at `k`): same full text, else same name. */
function sameStep(steps: StepMarker[], s: StepMarker, k: number): number | undefined {
  const same = (t: StepMarker): boolean =>
    t.text !== undefined && s.text !== undefined ? t.text === s.text : t.name === s.name;
  if (k < steps.length && same(steps[k])) return k;
  const i = steps.findIndex(same);
  return i >= 0 ? i : undefined;
}

function explained(cell: CellResult): ExplainedCell {
  return {
    id: cell.id,
    distro: cell.distro,
    ...(cell.arch !== undefined && { arch: cell.arch }),
    axes: cell.axes,
    status: cell.status,
    ...(cell.step !== undefined && { step: cell.step }),
    ...(cell.phase !== undefined && { phase: cell.phase }),
    exitCode: cell.exitCode,
    logPath: cell.logPath,
    ...(cell.inventory !== undefined && { inventory: cell.inventory }),
  };
}

function axisDifferences(failing: CellResult, passing: CellResult): AxisDifference[] {
  const out: AxisDifference[] = [];
  const pair = (name: string, a: string | undefined, b: string | undefined): void => {
    if (a !== b) out.push({ name, ...(a !== undefined && { failing: a }), ...(b !== undefined && { passing: b }) });
  };
  pair('distro', failing.distro, passing.distro);
  pair('arch', failing.arch ?? failing.axes.arch, passing.arch ?? passing.axes.arch);
  const names = [...new Set([...Object.keys(failing.axes), ...Object.keys(passing.axes)])].filter((n) => n !== 'arch');
  for (const name of names) pair(name, failing.axes[name], passing.axes[name]);
  return out;
}

/** The failing cell's log against a passing cell's: the failed step's departure, and earlier steps that differ. */
function compareLogs(failing: Side, fLog: CutLog, passing: Side): LogComparison {
  const stepShown = failing.cell.step ?? '(the test steps)';
  const notes: string[] = [];
  if (passing.log === undefined) {
    notes.push(`${passing.cell.id}'s log was not found (${passing.cell.logPath})`);
    return { step: stepShown, scope: 'step', earlierSteps: [], notes };
  }
  const pLog = cutLog(passing.log, passing.steps);
  const maskF = masker(failing.cell);
  const maskP = masker(passing.cell);
  const k = failedStepIndex(failing);
  const pk = k === undefined ? undefined : sameStep(passing.steps, failing.steps[k], k);
  const fSection = k === undefined ? undefined : stepSection(fLog, failing.steps, k);
  const pSection = pk === undefined ? undefined : stepSection(pLog, passing.steps, pk);
  if (k === undefined) notes.push('the failed step is not among the steps results.json lists');
  else if (pk === undefined) notes.push(`${passing.cell.id} has no step "${failing.steps[k].name}": its steps differ`);
  else if (!fSection) notes.push(`the failed step's "+ " line was not found in ${failing.cell.logPath}`);
  else if (!pSection) notes.push(`the step's "+ " line was not found in ${passing.cell.logPath}`);
  if (!fSection || !pSection) {
    notes.push('the whole test part of the two logs is compared');
    const departure = firstDeparture(fLog, testsSection(fLog), maskF, pLog, testsSection(pLog), maskP);
    return { step: stepShown, scope: 'tests', ...(departure && { departure }), earlierSteps: [], notes };
  }
  const departure = firstDeparture(fLog, fSection, maskF, pLog, pSection, maskP);
  const earlierSteps: string[] = [];
  for (let j = 0; j < k!; j++) {
    const pj = sameStep(passing.steps, failing.steps[j], j);
    const a = stepSection(fLog, failing.steps, j);
    const b = pj === undefined ? undefined : stepSection(pLog, passing.steps, pj);
    if (a && b && !sameSection(fLog, a, maskF, pLog, b, maskP)) earlierSteps.push(failing.steps[j].name);
  }
  return { step: stepShown, scope: 'step', ...(departure && { departure }), earlierSteps, notes };
}

function compare(failing: Side, fLog: CutLog | undefined, n: Neighbour, passing: Side): Comparison {
  const notes: string[] = [];
  const c: Comparison = {
    cell: explained(n.cell),
    relation: n.relation,
    axes: axisDifferences(failing.cell, n.cell),
    compilers: [],
    notes,
  };
  if (failing.inv && passing.inv) {
    const libc = libcDifference(failing.inv, passing.inv);
    if (libc) c.libc = libc;
    c.compilers = compilerDifferences(failing.inv, passing.inv);
    c.packages = packageDifferences(failing.inv, passing.inv);
    c.env = envDifferences({ inv: failing.inv, cell: failing.cell }, { inv: passing.inv, cell: passing.cell });
    for (const inv of [failing.inv, passing.inv]) if (inv.packagesNote) notes.push(`${inv.cell}: ${inv.packagesNote}`);
  } else if (passing.invNote && !failing.invNote) {
    notes.push(`packages and environment not compared: ${passing.invNote}`);
  }
  if (fLog) c.log = compareLogs(failing, fLog, passing);
  return c;
}

/** The cells of a run that failed their tests, then those that failed otherwise (setup, error), in matrix order. */
export function failedCells(run: RunResult): string[] {
  const tests = run.cells.filter((c) => isProjectFailure(c.status) && c.phase === 'test');
  return [...tests, ...run.cells.filter((c) => isFailure(c.status) && !tests.includes(c))].map((c) => c.id);
}

function unknownCell(run: RunResult, cellId: string): Error {
  const near = closest(
    cellId,
    run.cells.map((c) => c.id),
  );
  const failed = failedCells(run);
  const hint = near
    ? `did you mean ${near}?`
    : failed.length > 0
      ? `cells that failed in run ${run.runId}: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`
      : `vmatrix report lists the cells of run ${run.runId}`;
  return usageError('UNKNOWN_CELL', `run ${run.runId} has no cell "${cellId}"`, { hint });
}

function nothingToExplain(run: RunResult, cell: CellResult): Error {
  const failed = failedCells(run);
  const why =
    cell.status === 'cancelled'
      ? 'was cancelled: it did not run to the end'
      : cell.status === 'flaky'
        ? 'passed (on a retry)'
        : 'passed';
  return usageError('NOTHING_TO_EXPLAIN', `cell ${cell.id} ${why}: there is nothing to explain`, {
    hint:
      failed.length > 0
        ? `cells that failed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`
        : `no cell of run ${run.runId} failed`,
  });
}

/** Why `cellId` failed where its nearest passing cells did not: the differences between them, most telling first. */
export async function explainCell(src: ExplainSource, cellId: string): Promise<Explanation> {
  const { run } = src;
  const cell = run.cells.find((c) => c.id === cellId);
  if (!cell) throw unknownCell(run, cellId);
  if (isPass(cell.status) || cell.status === 'cancelled') throw nothingToExplain(run, cell);
  const notes: string[] = [];
  // A cell that failed before its test steps has no test log to compare: its setup log says why.
  const testLog = cell.phase === undefined || cell.phase === 'test';
  if (!testLog)
    notes.push(
      `it failed in its ${cell.phase} phase${cell.step !== undefined ? ` (step "${cell.step}")` : ''}` +
        `${cell.message ? `: ${cell.message}` : ''}; its test steps did not run, so no logs are compared`,
    );
  const failing = await readSide(src, cell, testLog);
  failing.steps = stepsOf(cell, failing.inv);
  if (failing.invNote) notes.push(`packages and environment not compared: ${failing.invNote}`);
  let fLog: CutLog | undefined;
  if (testLog && failing.log === undefined) notes.push(`its log was not found (${cell.logPath})`);
  else if (failing.log !== undefined) fLog = cutLog(failing.log, failing.steps);
  const { neighbours, notes: neighbourNotes } = nearestPassing(cell, run.cells);
  notes.push(...neighbourNotes);
  const compared: Comparison[] = [];
  for (const n of neighbours) {
    const passing = await readSide(src, n.cell, fLog !== undefined);
    passing.steps = stepsOf(n.cell, passing.inv);
    compared.push(compare(failing, fLog, n, passing));
  }
  return { version: 1, cell: explained(cell), compared, notes };
}
