import { usageError } from '../util/errors.js';
import { BUILT_IN_REPORTERS } from './builtin.js';
import type { Reporter, ReporterContext, ReporterFactory } from './types.js';

// Reporters by name: the built-in ones, and any a module registers before the run starts.

const factories = new Map<string, ReporterFactory>(Object.entries(BUILT_IN_REPORTERS));

/** Adds (or replaces) the reporter `name`. */
export function registerReporter(name: string, factory: ReporterFactory): void {
  factories.set(name, factory);
}

export function reporterNames(): string[] {
  return [...factories.keys()];
}

/** The reporters of `names`, in that order (each factory sees those made before it); a factory may decline. */
export async function createReporters(names: string[], context: Omit<ReporterContext, 'earlier'>): Promise<Reporter[]> {
  const made: Reporter[] = [];
  for (const name of names) {
    const factory = factories.get(name);
    if (!factory)
      throw usageError('UNKNOWN_REPORTER', `no reporter named ${name}`, {
        hint: `the reporters are: ${reporterNames().join(', ')}`,
      });
    const reporter = await factory({ ...context, earlier: [...made] });
    if (reporter) made.push(reporter);
  }
  return made;
}
