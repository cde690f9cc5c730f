import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { installScript, installSummary, missingPackages } from '../catalog/index.js';
import type { DistroEntry } from '../catalog/types.js';
import { stepName, type TestStep } from '../config/index.js';
import { usageError, type VmError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { inert } from '../util/inert.js';
import { fileTail, TAIL_LINES } from '../util/tail.js';
import type { CellRunResult } from '../vps/index.js';
import type { Recipe } from './key.js';
import type { SetupFailure } from '../results/types.js';

// A setup layer that could not be built is the project's failure (status failed, phase setup), not
// vmatrix's. What it says: which setup step failed (the install, named as people write it, or a setup
// command), what went wrong when the package manager's words tell (a package it does not have), and the
// end of the setup log.

/** What went wrong, as far as the setup's log tells. */
export interface SetupFinding {
  error?: string;
  hint?: string;
  missingPackages?: string[];
}

/** How a setup ended badly. */
export interface SetupEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  logPath: string;
  /** How long it ran. */
  durationMs: number;
  /** The step that was running when it ended, when one had started. */
  step?: string;
  finding: SetupFinding;
}

/** A failed setup, thrown by ensureLayer: every cell that stacks on the layer fails with it. */
export class SetupFailed extends Error {
  constructor(readonly end: SetupEnd) {
    const what = end.step === undefined ? 'setup' : `setup step "${end.step}"`;
    const how = end.timedOut ? 'timed out' : end.signal ? `was killed by ${end.signal}` : `exited ${end.exitCode}`;
    super(`${what} ${how}${end.finding.error ? `: ${end.finding.error}` : ''}`);
  }
}

/**
 * The steps of a setup layer: the install, when there are packages, then the setup commands. `cache`: where
 * the cell sees a package cache, when it has one.
 */
export function setupSteps(
  distro: DistroEntry,
  recipe: Recipe,
  cache?: string,
): { steps: TestStep[]; install?: TestStep } {
  const script = installScript(distro.packageManager, recipe.packages, {
    recommends: recipe.installRecommends !== false,
    ...(cache !== undefined && { cache }),
  });
  const install = script
    ? { name: stepName(installSummary(distro.packageManager, recipe.packages)), run: script }
    : undefined;
  return {
    steps: [...(install ? [install] : []), ...recipe.setup.map((run) => ({ name: stepName(run), run }))],
    install,
  };
}

export interface FailedBuild {
  distro: DistroEntry;
  recipe: Recipe;
  logPath: string;
  /** The step that was running when the setup ended, if one had started. */
  step?: TestStep;
  /** Whether that step is the install. */
  installing: boolean;
}

/** The error for a setup that ended badly, with what its log says when the install failed. */
export async function setupFailed(r: CellRunResult, b: FailedBuild): Promise<SetupFailed> {
  const missing =
    b.installing && !r.timedOut && !r.aborted
      ? missingPackages(b.distro.packageManager, await readFile(b.logPath, 'utf8').catch(() => ''))
      : [];
  const finding =
    missing.length > 0
      ? notFound(b.distro, b.recipe, missing)
      : !b.installing && b.step && !r.timedOut && !r.aborted
        ? await unseenFile(b.logPath)
        : {};
  return new SetupFailed({
    exitCode: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    logPath: b.logPath,
    durationMs: r.durationMs,
    step: b.step?.name,
    finding,
  });
}

/** A setup command that missed a file: setup sees only the project files its layer's key covers (setup-view.ts). */
async function unseenFile(logPath: string): Promise<SetupFinding> {
  const tail = (await fileTail(logPath, TAIL_LINES)) ?? [];
  if (!tail.some((line) => /No such file or directory|can't open|cannot open|can't cd/i.test(line))) return {};
  return {
    hint:
      'setup sees only the project files its commands name and those setup_inputs matches: add the files it ' +
      'reads to setup_inputs',
  };
}

function notFound(distro: DistroEntry, recipe: Recipe, missing: string[]): SetupFinding {
  const one = missing.length === 1;
  return {
    missingPackages: missing,
    error:
      `package${one ? '' : 's'} ${missing.map((m) => `"${m}"`).join(', ')} ${one ? 'was' : 'were'} not found ` +
      `on ${distro.name} (${distro.packageManager})`,
    hint:
      `${one ? 'its name differs' : 'their names differ'} on this distro? give ${distro.name} its own list under ` +
      `overrides: ` +
      `(overrides: { ${distro.name}: { packages: [${recipe.packages.join(', ')}] } })`,
  };
}

/** What results.json says of a failed setup: the finding, and the setup log's end and path. */
export function setupFailure(e: SetupFailed, tail: string[], projectDir: string): SetupFailure {
  return { ...e.end.finding, logPath: relative(projectDir, e.end.logPath), tail };
}

/**
 * For `vmatrix shell` and `vmatrix run`, whose cell cannot be made without its setup: the setup log goes
 * with the cell, so its end is printed here, and the error says how to get a shell all the same.
 */
export async function cannotSetUp(e: SetupFailed, distro: string, log: Logger): Promise<VmError> {
  for (const line of (await fileTail(e.end.logPath, TAIL_LINES)) ?? []) log.info(`  │ ${inert(line)}`);
  return usageError('SETUP_FAILED', `the setup of ${distro} failed: ${e.message}`, {
    cause: e,
    hint:
      e.end.finding.hint ??
      `the end of its log is above; for a shell on ${distro} without the setup, run \`vmatrix shell ${distro}\` ` +
        `where there is no vmatrix.yml`,
  });
}
