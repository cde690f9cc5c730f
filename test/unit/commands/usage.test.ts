import { Errors } from '@oclif/core';
import { describe, expect, it, vi } from 'vitest';
import { notFoundText } from '../../../src/commands/_not-found.js';
import { outsideCommandError, usageText } from '../../../src/cli/usage.js';

// oclif's parse errors and unknown commands, as one error line and one hint; the CLI itself is
// exercised end to end in test/integration/cli-errors.test.ts.

const HELP = 'vmatrix test --help';
const FLAGS = ['debug', 'config', 'jobs', 'shard', 'keep', 'fail-fast'];

describe('usageText', () => {
  it('names an unknown flag and the closest one, with or without a value', () => {
    expect(usageText({ message: 'Nonexistent flag: --shrad=2', flags: ['--shrad=2'] }, FLAGS, HELP)).toEqual({
      message: 'unknown flag --shrad=2',
      hint: 'did you mean --shard? (see `vmatrix test --help`)',
    });
    expect(usageText({ message: '', flags: ['--failfast'] }, FLAGS, HELP).hint).toMatch(/^did you mean --fail-fast\?/);
  });

  it('guesses nothing for a one-letter flag or a flag far from all', () => {
    expect(usageText({ message: '', flags: ['-x'] }, FLAGS, HELP).hint).toBe('see `vmatrix test --help`');
    expect(usageText({ message: '', flags: ['--verbose', '--quiet'] }, FLAGS, HELP)).toEqual({
      message: 'unknown flags --verbose, --quiet',
      hint: 'see `vmatrix test --help`',
    });
  });

  it('names a missing argument by what it is', () => {
    const err = {
      message: 'Missing 1 required arg:\nname  Run id.\nSee more help with --help',
      args: [{ name: 'name', description: 'Run id.' }],
    };
    expect(usageText(err, FLAGS, 'vmatrix kill --help')).toEqual({
      message: 'missing argument: NAME (Run id)',
      hint: 'see `vmatrix kill --help`',
    });
  });

  it('suggests the closest value of a flag with options', () => {
    const err = { message: 'Expected --keep=faild to be one of: none, failed, all\nSee more help with --help' };
    expect(usageText(err, FLAGS, HELP)).toEqual({
      message: '--keep faild: expected one of none, failed, all',
      hint: 'did you mean --keep failed?',
    });
  });

  it('puts a failed flag validation on one line', () => {
    const err = { message: 'Parsing --jobs \n\tExpected an integer but received: x\nSee more help with --help' };
    expect(usageText(err, FLAGS, HELP).message).toBe('--jobs: expected an integer but received: x');
    const exclusive = {
      message:
        'The following error occurred:\n  \x1b[2m--format=text cannot also be provided when using --json\x1b[22m\nSee more help with --help',
    };
    expect(usageText(exclusive, FLAGS, HELP).message).toBe('--format=text cannot also be provided when using --json');
  });
});

describe('notFoundText', () => {
  const known = ['test', 'matrix', 'image', 'image:ls', 'image:pull', 'distros'];

  it('suggests the closest command, spelt as the user types it', () => {
    expect(notFoundText('tset', known)).toEqual({
      message: 'unknown command "tset"',
      hint: 'did you mean `vmatrix test`? (`vmatrix --help` lists the commands)',
    });
    expect(notFoundText('image:lss', known).hint).toMatch(/^did you mean `vmatrix image ls`\?/);
    // oclif joins a command's arguments to it: `shel busybox` arrives as `shel:busybox`.
    expect(notFoundText('shel:busybox', [...known, 'shell'])).toEqual({
      message: 'unknown command "shel"',
      hint: 'did you mean `vmatrix shell`? (`vmatrix --help` lists the commands)',
    });
  });

  it('lists the commands when none is close, and says where flags go', () => {
    expect(notFoundText('xyzzy', known).hint).toBe('`vmatrix --help` lists the commands');
    expect(notFoundText('--jobs', known).message).toBe('unknown flag --jobs before a command');
  });
});

describe('outsideCommandError', () => {
  it("prints a usage error of a plugin's command as error and hint, and exits with its code silently", () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out = outsideCommandError(
        new Errors.CLIError('Expected fish to be one of: zsh, bash\nSee more help with --help', { exit: 2 }),
        ['autocomplete', 'fish'],
      );
      expect(out).toBeInstanceOf(Errors.ExitError);
      expect((out as Errors.ExitError).oclif.exit).toBe(2);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toBe(
        'error: expected fish to be one of: zsh, bash\nhint: see `vmatrix --help`\n',
      );
    } finally {
      write.mockRestore();
    }
  });

  it('leaves to oclif an exit, a crash, and anything under --debug', () => {
    const exit = new Errors.ExitError(1);
    const crash = new TypeError('x is undefined');
    const usage = new Errors.CLIError('bad', { exit: 2 });
    expect(outsideCommandError(exit, [])).toBe(exit);
    expect(outsideCommandError(crash, [])).toBe(crash);
    expect(outsideCommandError(usage, ['x', '--debug'])).toBe(usage);
  });
});
