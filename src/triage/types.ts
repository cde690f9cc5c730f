import type { Component } from '../inventory/types.js';
import type { CellStatus } from '../results/types.js';

// The shape of an explanation: what `vmatrix explain --json` prints and the HTML report renders. Plain data,
// JSON as it is, with project-controlled text (log lines, package names, env values, step names) kept as
// written: whoever shows it as text passes it through inert() (explanationLines does).

/** A cell as the explanation names it. */
export interface ExplainedCell {
  id: string;
  distro: string;
  arch?: string;
  axes: Record<string, string>;
  status: CellStatus;
  /** The step that failed or timed out (a setup step when `phase` is setup). */
  step?: string;
  phase?: 'image' | 'setup' | 'test';
  exitCode: number | null;
  /** Relative to the project directory. */
  logPath: string;
  /** Its inventory.json, relative to the project directory, when results.json names one. */
  inventory?: string;
}

/**
 * How a compared cell stands to the failing one: the same configuration on another distro, or the same distro with
 * other axis values.
 */
export type Relation = 'other distro' | 'other configuration';

/** A value that differs between the failing cell and the compared one: `distro`, `arch` or an axis. */
export interface AxisDifference {
  name: string;
  /** Absent: the cell has no such axis. */
  failing?: string;
  passing?: string;
}

/** The C library, when it is not the same: absent on a side whose inventory did not find one. */
export interface LibcDifference {
  failing?: Component;
  passing?: Component;
}

/** One compiler (`gcc`, `clang`) installed in other versions, or in one cell only. */
export interface CompilerDifference {
  name: string;
  failing: Component[];
  passing: Component[];
}

/**
 * How telling a package's difference is, most first: the C library, then what the project's config asked for
 * (`packages:`), then the toolchain, libraries, the rest.
 */
export type PackageRank = 'libc' | 'requested' | 'toolchain' | 'library' | 'other';

/** A package whose version differs, or that only one of the two cells has. */
export interface PackageDifference {
  name: string;
  rank: PackageRank;
  /** Its version in the failing cell (several, comma-separated, when installed for several arches); absent: none. */
  failing?: string;
  passing?: string;
}

export interface PackageDifferences {
  /** How many packages differ: every one is in `differences`, most telling first. */
  total: number;
  differences: PackageDifference[];
}

/** An environment variable of the test steps that differs (not one that differs by design: see env.ts). */
export interface EnvDifference {
  name: string;
  failing?: string;
  passing?: string;
}

/** A line of a log: its 1-based number in the log file, its text as written and as masked for the comparison. */
export interface LogLine {
  line: number;
  text: string;
  masked: string;
}

/** Where the failing cell's log first departs from the compared cell's. */
export interface LogDeparture {
  /**
   * The failing log's first line that the compared log has no counterpart for. Absent when every line of the failing
   * log's section is matched, but the compared log has lines more (`passing`): the failing step stopped short.
   */
  failing?: LogLine;
  /** The compared log's unmatched line at the same point (the one most like `failing`), when there is one. */
  passing?: LogLine;
  /** A few lines of the failing log around the departure (the departing line among them). */
  context: LogLine[];
}

/** The failing cell's log against the compared cell's. */
export interface LogComparison {
  /** The step whose output is compared: the failing cell's failed step. */
  step: string;
  /**
   * `step`: both logs cut at that step's marker. `tests`: the compared cell did not run that step (its steps differ)
   * or a marker was not found, so the whole test part of both logs is compared.
   */
  scope: 'step' | 'tests';
  /** Absent when the two sections are the same once masked. */
  departure?: LogDeparture;
  /** The earlier steps (names) whose output differs between the two logs once masked: secondary context. */
  earlierSteps: string[];
  /** Why the comparison is partial or missing (a log not found, a marker not found). */
  notes: string[];
}

/** The failing cell against one cell that passed, differences most telling first. */
export interface Comparison {
  cell: ExplainedCell;
  relation: Relation;
  /** Distro, arch and axis values that differ. */
  axes: AxisDifference[];
  /** Absent when both cells have the same C library, or when an inventory is missing. */
  libc?: LibcDifference;
  compilers: CompilerDifference[];
  /** Absent when an inventory is missing (`notes` says so). */
  packages?: PackageDifferences;
  /** Absent when an inventory is missing. */
  env?: EnvDifference[];
  /** Absent when the cell did not fail in its test steps (a setup failure has no test log to compare). */
  log?: LogComparison;
  notes: string[];
}

/** Why one cell failed where its nearest cells passed: `vmatrix explain`. */
export interface Explanation {
  version: 1;
  cell: ExplainedCell;
  /** The nearest passing cells: the same configuration on other distros first, then the same distro's other ones. */
  compared: Comparison[];
  /** What could not be compared, and why (no cell passed, no inventory). */
  notes: string[];
}
