import { createReporters, dispatcher, reporterNames, useColor, type Dispatcher } from '../report/index.js';
import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';

// Which reporters a `vmatrix test` run gets: the live board on a terminal, else (or with --reporter plain)
// a stamped block per cell with --follow's cell beside it; then every output reporter (results.json,
// report.html, junit.xml, GitHub annotations, and any registered since), in the order registered.

export interface ReporterFlags {
  reporter?: string;
  color?: boolean;
  follow?: string;
  verbose?: boolean;
}

/** The run's reporters behind one dispatcher; a --follow cell the run does not have is a usage error. */
export async function runReporters(flags: ReporterFlags, projectDir: string, cellIds: string[]): Promise<Dispatcher> {
  const color = flags.color ?? useColor(process.stdout);
  const follow = followedCell(flags, cellIds);
  const progress =
    (flags.reporter ?? (process.stdout.isTTY ? 'tty' : 'plain')) === 'tty' ? ['tty'] : ['follow', 'plain'];
  const reporters = await createReporters([...progress, ...reporterNames('output')], {
    projectDir,
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    color,
    follow,
  });
  return dispatcher(reporters);
}

/** --follow's cell, else with --verbose the run's first; checked against the run's cells. */
export function followedCell(flags: ReporterFlags, cellIds: string[]): string | undefined {
  if (flags.follow && !cellIds.includes(flags.follow)) {
    const near = closest(flags.follow, cellIds);
    throw usageError('UNKNOWN_CELL', `--follow ${flags.follow}: this run has no such cell`, {
      hint: near ? `did you mean ${near}?` : 'vmatrix matrix lists the cells',
    });
  }
  return flags.follow ?? (flags.verbose ? cellIds[0] : undefined);
}
