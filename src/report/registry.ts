import { usageError } from '../util/errors.js';
import { OUTPUT_REPORTERS, PROGRESS_REPORTERS } from './builtin.js';
import type { Reporter, ReporterContext, ReporterFactory } from './types.js';

// Reporters by name: the built-in ones, and any a module registers before the run starts.

/**
 * progress: shows the run as it goes; a run has the one(s) its flags choose (tty, or plain and follow).
 * output: every run has it (a file, annotations); its factory returns undefined where it does not apply.
 */
export type ReporterRole = 'progress' | 'output';

const factories = new Map<string, { factory: ReporterFactory; role: ReporterRole }>([
  ...Object.entries(PROGRESS_REPORTERS).map(([name, factory]) => [name, { factory, role: 'progress' }] as const),
  ...Object.entries(OUTPUT_REPORTERS).map(([name, factory]) => [name, { factory, role: 'output' }] as const),
]);

/** Adds (or replaces) the reporter `name`; an output reporter runs on every run from then on. */
export function registerReporter(name: string, factory: ReporterFactory, role: ReporterRole = 'output'): void {
  factories.set(name, { factory, role });
}

export function reporterNames(role?: ReporterRole): string[] {
  return [...factories].filter(([, r]) => role === undefined || r.role === role).map(([name]) => name);
}

/** The reporters of `names`, in that order (each factory sees those made before it); a factory may decline. */
export async function createReporters(names: string[], context: Omit<ReporterContext, 'earlier'>): Promise<Reporter[]> {
  const made: Reporter[] = [];
  for (const name of names) {
    const factory = factories.get(name)?.factory;
    if (!factory)
      throw usageError('UNKNOWN_REPORTER', `no reporter named ${name}`, {
        hint: `the reporters are: ${reporterNames().join(', ')}`,
      });
    const reporter = await factory({ ...context, earlier: [...made] });
    if (reporter) made.push(reporter);
  }
  return made;
}
