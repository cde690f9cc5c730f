// commands/: the oclif commands, one file each (its path is the command id): flags in, one core call, output and
// exit code out. This file is the one error boundary; the other _-files are helpers oclif does not list.

import { Command, Flags, Errors } from '../cli/oclif.js';
import { noSpaceErrno } from '../store/index.js';
import { isVmError } from '../util/errors.js';
import { inert } from '../util/inert.js';
// Straight from the module, not cli/index.ts: every command loads this file, and none needs the others' flags.
import { usageText } from '../cli/usage.js';

// The one boundary where errors become output and exit codes: 2 for the user's mistakes, 3 for the
// host's, never a stack trace unless --debug asks for one.
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: 'Show stack traces and internal detail.', helpGroup: 'GLOBAL' }),
  };

  protected override catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const debug = this.argv.includes('--debug');
    if (isVmError(err)) {
      // Messages quote names from the project and the catalog (cells, steps, packages): shown, never obeyed.
      process.stderr.write(`error: ${inert(err.message)}\n`);
      if (err.hint) process.stderr.write(`hint: ${inert(err.hint)}\n`);
      if (debug) process.stderr.write(`${err.stack}\n${err.cause ? `cause: ${causeText(err.cause)}\n` : ''}`);
      this.exit(err.exit);
    }
    if (err instanceof Errors.ExitError) throw err;
    if (err.oclif?.exit !== undefined || err instanceof Errors.CLIError) {
      // oclif's own parse errors (unknown flag, missing argument) are usage errors.
      const flags = Object.keys({ ...this.ctor.baseFlags, ...this.ctor.flags });
      const { message, hint } = usageText(err, flags, `vmatrix ${this.id?.replaceAll(':', ' ') ?? ''} --help`);
      process.stderr.write(`error: ${inert(message)}\nhint: ${inert(hint)}\n`);
      if (debug) process.stderr.write(`${err.stack}\n`);
      this.exit(2);
    }
    process.stderr.write(`error: ${inert(err.message)}\n`);
    if (noSpaceErrno(err)) {
      // A full disk outside the store (the store's own writes say STORE_FULL): the host's problem, not a bug.
      process.stderr.write(
        'hint: that filesystem is full: free space on it, or write elsewhere ' +
          '(--output DIR for reports, VMATRIX_HOME for the store)\n',
      );
      if (debug) process.stderr.write(`${err.stack}\n`);
      this.exit(3);
    }
    process.stderr.write(
      debug ? `${err.stack}\n` : 'hint: this is a bug in vmatrix; rerun with --debug for details and report it\n',
    );
    this.exit(3);
  }
}

/** A cause's stack, or what String() makes of a cause that is not an Error. */
function causeText(cause: unknown): string {
  return (cause as Error).stack ?? String(cause);
}
