import { Errors } from './oclif.js';
import { closest } from '../util/suggest.js';
import { stripAnsi } from '../util/ansi.js';

// oclif's parse errors (unknown flag, missing argument, a value not among the options) come as several
// lines ending in "See more help with --help". This turns each into the boundary's shape: one line that
// says what is wrong, one hint that says what to do, with the closest flag or value for a typo.

/** What the parse errors of @oclif/core carry (its error classes are not exported, so by shape). */
export interface ParseErrorLike {
  message: string;
  flags?: unknown;
  args?: unknown;
}

/** `flags`: the names of the flags the command takes, for "did you mean". */
export function usageText(
  err: ParseErrorLike,
  flags: string[],
  helpCommand: string,
): { message: string; hint: string } {
  const help = `see \`${helpCommand}\``;
  if (Array.isArray(err.flags)) return unknownFlags(err.flags.map(String), flags, help);
  if (Array.isArray(err.args) && err.args.every((a) => typeof a === 'object' && a && 'name' in a)) {
    const args = err.args as Array<{ name: string; description?: string }>;
    const what = args
      .map((a) => `${a.name.toUpperCase()}${a.description ? ` (${a.description.replace(/\.$/, '')})` : ''}`)
      .join(', ');
    return { message: `missing argument${args.length === 1 ? '' : 's'}: ${what}`, hint: help };
  }
  // oclif colours parts of some messages.
  const lines = stripAnsi(err.message)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'See more help with --help' && !/^The following errors? occurred:$/.test(l));
  const option = /^Expected --([\w-]+)=(.*) to be one of: (.*)$/.exec(lines[0] ?? '');
  if (option) {
    const [, name, value, allowed] = option as unknown as [string, string, string, string];
    const guess = closest(value, allowed.split(', '));
    return {
      message: `--${name} ${value}: expected one of ${allowed}`,
      hint: guess ? `did you mean --${name} ${guess}?` : help,
    };
  }
  // "Parsing --jobs" + "Expected an integer …" reads better as "--jobs: expected an integer …".
  const text = lines
    .join(' ')
    .replace(/^Parsing (--[\w-]+) Expected/, '$1: expected')
    .replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase());
  return { message: text, hint: help };
}

function unknownFlags(given: string[], names: string[], help: string): { message: string; hint: string } {
  const guesses = given.map((g) => {
    const bare = g.replace(/=.*$/, '');
    // A one-letter flag is too short to guess from.
    return bare.startsWith('--') ? closest(bare.slice(2), names) : undefined;
  });
  const first = guesses.find(Boolean);
  return {
    message: `unknown flag${given.length === 1 ? '' : 's'} ${given.join(', ')}`,
    hint: first ? `did you mean --${first}? (${help})` : help,
  };
}

/**
 * The CLI's entry (commands/_main.ts) hands here what no command of vmatrix caught: a usage error of a plugin's
 * command (`vmatrix autocomplete fish`) or of the help (`vmatrix help tset`). Printed in the same shape, it comes
 * back as an ExitError, which oclif's handler exits with silently; anything else (or --debug) goes to oclif as it
 * is. By shape, not instanceof: the entry runs a bundled copy of @oclif/core (scripts/bundle.mjs) while a
 * plugin's command throws the error classes of the copy in node_modules; for the same reason a plugin's own
 * ExitError comes back as one of the bundled copy, which the handler recognises by class.
 */
export function outsideCommandError(err: unknown, argv: string[]): unknown {
  if (!(err instanceof Error) || !('oclif' in err) || typeof err.oclif !== 'object' || !err.oclif) return err;
  const exit = 'exit' in err.oclif ? err.oclif.exit : undefined;
  if ('code' in err && err.code === 'EEXIT' && typeof exit === 'number')
    return err instanceof Errors.ExitError ? err : new Errors.ExitError(exit);
  if (argv.includes('--debug') || typeof exit !== 'number' || exit === 0) return err;
  const { message } = usageText(err, [], '');
  process.stderr.write(`error: ${message.replace(/\.$/, '')}\nhint: see \`vmatrix --help\`\n`);
  return new Errors.ExitError(exit);
}
