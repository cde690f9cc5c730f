import type { Hook } from '../cli/oclif.js';
import { inert } from '../util/inert.js';
import { closest } from '../util/suggest.js';

// oclif's `command_not_found` hook (package.json oclif.hooks). Without it oclif prints a bare "command tset
// not found"; @oclif/plugin-not-found would ask "did you mean?" on a TTY and exit 127. This keeps the
// error boundary's shape instead: one `error:` line, a `hint:` naming the closest command, exit 2 (usage).
// The file starts with `_` so that oclif does not take it for a command.

/** The error and hint for an unknown command `id` (oclif's form, `image:lss`), given the known ids and topics. */
export function notFoundText(id: string, known: string[]): { message: string; hint: string } {
  const spaced = (s: string): string => s.replaceAll(':', ' ');
  if (id.startsWith('-')) {
    return {
      message: `unknown flag ${id} before a command`,
      hint: 'flags go after the command: `vmatrix <command> --flag`; `vmatrix --help` lists the commands',
    };
  }
  // oclif joins the words of the command line (`shel busybox` → `shel:busybox`): the command is some
  // prefix of them, the rest its arguments. The longest prefix that resembles a command names it.
  const words = id.split(':');
  for (let n = words.length; n > 0; n--) {
    const prefix = words.slice(0, n).join(':');
    const guess = closest(prefix, known);
    if (guess)
      return {
        message: `unknown command "${spaced(prefix)}"`,
        hint: `did you mean \`vmatrix ${spaced(guess)}\`? (\`vmatrix --help\` lists the commands)`,
      };
  }
  return { message: `unknown command "${spaced(id)}"`, hint: '`vmatrix --help` lists the commands' };
}

const hook: Hook.CommandNotFound = function ({ id, config }) {
  const known = [
    ...config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]),
    ...config.topics.filter((t) => !t.hidden).map((t) => t.name),
  ];
  const { message, hint } = notFoundText(id, [...new Set(known)]);
  process.stderr.write(`error: ${inert(message)}\nhint: ${inert(hint)}\n`);
  // exit throws, so the promise is never made; the hook's type asks for one.
  return Promise.resolve(this.exit(2));
};

export default hook;
