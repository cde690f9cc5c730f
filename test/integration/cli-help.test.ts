import { Config, type Command } from '@oclif/core';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// `vmatrix --help` is the manual: every command is listed with a one-line summary and documents itself
// (description, examples, every flag and argument), and shells complete commands and flags.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMMANDS_DIR = join(ROOT, 'dist', 'commands');

/** Command ids from the built files, the way oclif's pattern strategy finds them (`image/ls.js` → `image:ls`). */
async function builtCommandIds(dir = COMMANDS_DIR): Promise<string[]> {
  const files = await readdir(dir, { recursive: true });
  return files
    .filter((f) => f.endsWith('.js') && !f.split('/').pop()!.startsWith('_'))
    .map((f) => f.replace(/\.js$/, '').replaceAll('/', ':'))
    .sort();
}

async function ownCommands(): Promise<Command.Loadable[]> {
  const config = await Config.load(ROOT);
  return config.commands.filter((c) => c.pluginName === config.name);
}

describe('help', () => {
  it('vmatrix alone lists every command with a one-line summary, and exits 0', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('\nCOMMANDS\n'));
    const ids = (await builtCommandIds()).filter((id) => !id.includes(':'));
    expect(ids).toEqual(expect.arrayContaining(['test', 'matrix', 'shell', 'run', 'report']));
    for (const id of [...ids, 'autocomplete']) expect(section).toMatch(new RegExp(`^  ${id}\\s+[A-Z]\\S* \\S`, 'm'));
    expect(r.stdout).toMatch(/^TOPICS\n {2}image\s+Manage the images/m);
  });

  it('knows every command that was built, and each documents itself', async () => {
    const commands = await ownCommands();
    expect(commands.map((c) => c.id).sort()).toEqual(await builtCommandIds());
    for (const c of commands) {
      const where = `vmatrix ${c.id.replaceAll(':', ' ')}`;
      expect(c.summary?.trim(), `${where}: summary`).toBeTruthy();
      expect(c.summary, `${where}: the summary is one line`).not.toContain('\n');
      expect(c.description?.trim(), `${where}: description`).toBeTruthy();
      expect(c.examples?.length ?? 0, `${where}: examples`).toBeGreaterThan(0);
      for (const [name, flag] of Object.entries(c.flags))
        expect(flag.description?.trim(), `${where} --${name}: description`).toBeTruthy();
      for (const [name, arg] of Object.entries(c.args))
        expect(arg.description?.trim(), `${where} ${name}: description`).toBeTruthy();
    }
  });

  it('vmatrix distros --help teaches --check, with an example', async () => {
    const r = await runCli(['distros', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2,6}--check +Probe each entry's image sources upstream/m);
    expect(r.stdout).toMatch(/^ {2}Check every entry for this host\n\n {4}\$ vmatrix distros --check$/m);
    expect(r.stdout).toMatch(/^ {4}\$ vmatrix distros --check debian-13 alpine-latest$/m);
  });

  it("prints examples and flags in a command's --help", async () => {
    const r = await runCli(['image', 'prune', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^EXAMPLES\n {2}\$ vmatrix image prune --dry-run$/m);
    expect(r.stdout).toMatch(/^ {2}--older-than=<value>\s+Remove what was last used/m);
  });
});

describe('shell completion', () => {
  it("vmatrix autocomplete bash prints the setup and writes a completion script with vmatrix's commands and flags", async () => {
    const home = await mkdtemp(join(tmpdir(), 'vmx-ac-'));
    const env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), VMATRIX_CACHE_DIR: '' };
    const r = await runCli(['autocomplete', 'bash'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vmatrix autocomplete script bash');
    expect(r.stdout).toContain('~/.bashrc');

    // oclif's cache dir is $XDG_CACHE_HOME/<dirname>; the plugin writes under autocomplete/ there.
    const script = join(home, 'cache', 'vmatrix', 'autocomplete', 'functions', 'bash', 'vmatrix.bash');
    const text = await readFile(script, 'utf8');
    expect(text).toMatch(/^test .*--shard\b.*--keep\b/m);
    expect(text).toMatch(/^shell --debug --run --set\b/m);
    expect(text).toMatch(/^image:pull --debug --offline --config$/m);

    // And bash, given the script, completes what a user types.
    const complete = (words: string[]): string => {
      const line = words.join(' ');
      const body =
        `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; ` +
        `COMP_LINE='${line}'; COMP_POINT=${line.length}; _vmatrix_autocomplete; echo "\${COMPREPLY[*]}"`;
      const out = spawnSync('bash', ['-c', body, 'bash', script], { encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
      return out.stdout.trim();
    };
    expect(complete(['vmatrix', 'te'])).toBe('test');
    expect(complete(['vmatrix', 'test', '--sha'])).toBe('--shard');
    expect(complete(['vmatrix', 'image', 'p']).split(' ').sort()).toEqual(['prune', 'pull']);
  });

  it('gives the setup for zsh and powershell too', async () => {
    const home = await mkdtemp(join(tmpdir(), 'vmx-ac-'));
    const env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), VMATRIX_CACHE_DIR: '' };
    for (const shell of ['zsh', 'powershell']) {
      const r = await runCli(['autocomplete', shell], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`vmatrix autocomplete script ${shell}`);
    }
    const zsh = await readFile(join(home, 'cache', 'vmatrix', 'autocomplete', 'functions', 'zsh', '_vmatrix'), 'utf8');
    expect(zsh).toMatch(/^--shard"\[Run part i of N/m);
  });
});
