import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Every mistake a user can make on the command line or in vmatrix.yml ends the same way: exit 2, one
// `error:` line in their terms, at most one `hint:` line saying what to do (the closest name for a typo),
// and no stack trace unless --debug asks for one.

const GOOD = 'distros: [debian-12, busybox]\nmatrix:\n  cc: [gcc, clang]\ntest: make\n';

interface Case {
  args: string[];
  yml?: string;
  error: RegExp;
  hint?: RegExp;
}

const CASES: Record<string, Case> = {
  'bad flag value': {
    args: ['test', '--keep', 'bogus'],
    error: /^--keep bogus: expected one of none, failed, all$/,
    hint: /vmatrix test --help/,
  },
  'flag value typo': {
    args: ['test', '--keep', 'faild'],
    error: /^--keep faild:/,
    hint: /did you mean --keep failed\?/,
  },
  'not an integer': { args: ['test', '--jobs', '0'], error: /^--jobs: expected an integer greater than or equal to 1/ },
  'flags that exclude each other': {
    args: ['matrix', '--json', '--format', 'text'],
    error: /--format=text cannot also be provided when using --json/,
  },
  'unknown flag': { args: ['test', '--shrad', '2/3'], error: /^unknown flag --shrad$/, hint: /did you mean --shard\?/ },
  'unknown flag of a command that takes any arguments': {
    args: ['report', '--mreg', 'a.json'],
    error: /^unknown flag --mreg$/,
    hint: /did you mean --merge\?/,
  },
  'unknown flag before the command': { args: ['--verbose'], error: /^unknown flag --verbose before a command$/ },
  'missing argument': { args: ['kill'], error: /^missing argument: NAME \(Run id/, hint: /vmatrix kill --help/ },
  'one argument too many': { args: ['kill', 'a', 'b'], error: /^unexpected argument: b$/ },
  'unknown command': { args: ['tset'], error: /^unknown command "tset"$/, hint: /did you mean `vmatrix test`\?/ },
  'unknown subcommand': {
    args: ['image', 'lss'],
    error: /^unknown command "image lss"$/,
    hint: /did you mean `vmatrix image ls`\?/,
  },
  'unknown command, nothing close': {
    args: ['xyzzy'],
    error: /^unknown command "xyzzy"$/,
    hint: /^hint: `vmatrix --help` lists the commands$/m,
  },
  'help on an unknown command': { args: ['help', 'tset'], error: /^command tset not found$/, hint: /vmatrix --help/ },
  "bad argument of a plugin's command": {
    args: ['autocomplete', 'fish'],
    error: /^expected fish to be one of: zsh, bash, powershell$/,
  },
  'nonexistent --config': {
    args: ['test', '--config', 'nope/vmatrix.yml'],
    error: /^nope\/vmatrix\.yml does not exist$/,
  },
  'no vmatrix.yml here': { args: ['matrix'], yml: '', error: /vmatrix\.yml does not exist/ },
  'malformed vmatrix.yml': { args: ['test'], yml: 'distros: [debian-12\ntest: make\n', error: /^vmatrix\.yml:2: / },
  'unknown key in vmatrix.yml': {
    args: ['matrix'],
    yml: `${GOOD}envv: { CI: "1" }\n`,
    error: /^vmatrix\.yml:5: envv: unknown key \(did you mean "env"\?\)$/,
  },
  'unknown distro in vmatrix.yml': {
    args: ['test'],
    yml: 'distros: [debian-21]\ntest: make\n',
    error: /^unknown distro "debian-21"$/,
    hint: /did you mean debian-12\?/,
  },
  'unknown distro on the command line': {
    args: ['test', '--distro', 'debain-12'],
    error: /^unknown distro "debain-12"$/,
    hint: /did you mean debian-12\?/,
  },
  'unknown distro to pull': {
    args: ['image', 'pull', 'alpnie-3.20'],
    error: /^unknown distro "alpnie-3.20"$/,
    hint: /did you mean alpine-3.20\?/,
  },
  'unknown distro to run in': {
    args: ['run', 'debian-21', '--', 'true'],
    error: /"debian-21" is neither a cell of .* nor a distro/,
    hint: /did you mean debian-12\?/,
  },
  'unknown axis': {
    args: ['run', 'debian-12', '--set', 'c=gcc', '--', 'true'],
    error: /the matrix has no axis "c"/,
    hint: /did you mean cc\?/,
  },
  'unknown cell': {
    args: ['test', '--cell', 'debian-12/cc=gc'],
    error: /--cell debian-12\/cc=gc: no such cell/,
    hint: /did you mean "debian-12\/cc=gcc"\?/,
  },
  'shard past the number of shards': {
    args: ['test', '--shard', '4/3'],
    error: /^--shard 4\/3: expected i\/N with 1 ≤ i ≤ N/,
  },
};

describe('user errors', () => {
  let store: string;
  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'vmx-errors-store-'));
  });

  async function run(c: Case): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-errors-'));
    const yml = c.yml ?? GOOD;
    if (yml) await writeFile(join(dir, 'vmatrix.yml'), yml);
    return runCli(c.args, { cwd: dir, env: { VMATRIX_HOME: store } });
  }

  it.each(Object.entries(CASES))('%s: exit 2, error and hint in two lines, no stack trace', async (_, c) => {
    const r = await run(c);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]!.slice('error: '.length)).toMatch(c.error);
    if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: \S/);
    if (c.hint) expect(lines[1]).toMatch(c.hint);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  it('shows the stack trace with --debug', async () => {
    const usage = await run({ args: ['kill', '--debug'], error: /./ });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: missing argument: NAME/);
    expect(usage.stderr).toMatch(/^\s+at /m);
    const config = await run({ args: ['test', '--debug'], yml: 'distros: [debian-21]\ntest: make\n', error: /./ });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/^error: unknown distro "debian-21"\nhint: .*\nVmError: unknown distro/);
    expect(config.stderr).toMatch(/^\s+at /m);
  });
});
