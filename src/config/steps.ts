import { parseDuration } from '../util/duration.js';
import type { Issue } from './issues.js';
import type { TestStep } from './types.js';

// `test:` is one command, or a list whose items are commands or named steps `{ name, run, timeout }`.
// Every step gets a name here, so reports and results.json can always say which step failed.

/** A `test:` list item as written, once it has passed the schema. */
export type RawStep = string | { name: string; run: string; timeout?: string | number };

const NAME_LENGTH = 60;

/** An unnamed step is called by its command: its first line, shortened to fit in a report line. */
export function stepName(command: string): string {
  const line = command.trim().split('\n')[0].trim();
  return line.length <= NAME_LENGTH ? line : `${line.slice(0, NAME_LENGTH - 1)}…`;
}

export function normaliseSteps(test: RawStep | RawStep[]): TestStep[] {
  return [test].flat().map((step, i) => {
    if (typeof step === 'string') return { name: stepName(step), run: step };
    return {
      name: step.name,
      run: step.run,
      ...(step.timeout !== undefined && { timeout: parseDuration(step.timeout, `test[${i}].timeout`) }),
    };
  });
}

/** Two steps given the same name would be told apart in no report: the second one is the mistake. */
export function stepIssues(test: RawStep | RawStep[]): Issue[] {
  if (!Array.isArray(test)) return [];
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  test.forEach((step, i) => {
    if (typeof step === 'string') return;
    const first = seen.get(step.name);
    if (first === undefined) seen.set(step.name, i);
    else
      issues.push({
        path: ['test', i, 'name'],
        message: `${JSON.stringify(step.name)} is already the name of test[${first}]`,
      });
  });
  return issues;
}
