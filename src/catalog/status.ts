import type { DistroEntry, SupportStatus } from './types.js';

// Support status is data (each entry's `eol`, from distros/*.yml); what it means on a given day is worked
// out here, from a date the caller passes, so that tests and messages never depend on the clock.

/** `day` as YYYY-MM-DD in UTC: the form `eol` dates are written in, which compare as strings. */
export function dayOf(day: Date | string): string {
  return typeof day === 'string' ? day : day.toISOString().slice(0, 10);
}

/** The entry's support on `day`: supported through its eol date, EOL after it; rolling; unknown without data. */
export function supportStatus(entry: Pick<DistroEntry, 'eol'>, day: Date | string): SupportStatus {
  if (entry.eol === undefined) return { state: 'unknown' };
  if (entry.eol === 'rolling') return { state: 'rolling' };
  return dayOf(day) > entry.eol ? { state: 'eol', date: entry.eol } : { state: 'supported', date: entry.eol };
}

/** For people: `supported until 2028-06-30`, `EOL since 2026-08-31`, `rolling`, `unknown`. */
export function statusText(status: SupportStatus): string {
  switch (status.state) {
    case 'supported':
      return `supported until ${status.date}`;
    case 'eol':
      return `EOL since ${status.date}`;
    default:
      return status.state;
  }
}

/** The warning a run on an EOL release gets (undefined for any other): what, since when, what to do. */
export function eolWarning(entry: DistroEntry, day: Date | string): string | undefined {
  const status = supportStatus(entry, day);
  if (status.state !== 'eol') return undefined;
  const where = entry.eolSource ? `, ${entry.eolSource}` : '';
  return (
    `${entry.name} is past its end of life (EOL since ${status.date}${where}): ` +
    `it gets no security updates and its mirrors may drop it; test on a supported ${entry.family} release ` +
    `as well (\`vmatrix distros\` shows each one's status)`
  );
}
