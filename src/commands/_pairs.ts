import { usageError } from '../util/errors.js';

/** NAME=VALUE flags (`--set axis=value`, `--env NAME=VALUE`) as a record; a pair without `=` is a usage error. */
export function parsePairs(values: string[] | undefined, flag: string, example: string): Record<string, string> {
  return Object.fromEntries(
    (values ?? []).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw usageError('BAD_PAIR', `${flag} ${kv}: expected NAME=VALUE`, { hint: example });
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

/** Whether the user named a config file (then a missing one is an error, not "no project here"). */
export function configGiven(argv: string[]): boolean {
  const dash = argv.indexOf('--');
  return (dash >= 0 ? argv.slice(0, dash) : argv).some(
    (a) => a === '-c' || a === '--config' || a.startsWith('--config=') || a.startsWith('-c='),
  );
}
