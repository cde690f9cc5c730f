import { runSession } from '../session/index.js';
import { Store } from '../store/index.js';
import { usageError } from '../util/errors.js';
import { configGiven, parsePairs } from './_pairs.js';
import { stderrLogger } from '../util/log.js';
import { shellSummary, shellDescription, shellExamples, shellArgs, shellFlags } from '../cli/shell-flags.js';
import { BaseCommand } from './_base.js';
import { stderrImageProgress } from './_progress.js';

export default class Shell extends BaseCommand {
  static override summary = shellSummary;
  static override description = shellDescription;
  static override examples = shellExamples;
  static override strict = false;
  static override args = shellArgs;
  static override flags = shellFlags;

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(Shell);
    const dash = this.argv.indexOf('--');
    const command = dash >= 0 ? this.argv.slice(dash + 1) : [];
    const positional = (argv as string[]).slice(0, argv.length - command.length);
    if (positional.length > 1) {
      throw usageError('TOO_MANY_ARGS', `one target expected, got ${positional.join(' ')}`, {
        hint: 'put a command after --: vmatrix shell debian-12 -- make check',
      });
    }
    const sets = parsePairs(flags.set, '--set', 'vmatrix shell debian-11 --set cc=clang');
    if (!process.stdin.isTTY)
      process.stderr.write('vmatrix shell: stdin is not a terminal; the cell gets a terminal of its own anyway\n');
    // The terminal is the cell's now: Ctrl-C reaches the program in the cell, not us.
    process.on('SIGINT', () => {});
    const code = await runSession({
      store: Store.fromEnv(),
      target: positional[0] ?? args.target,
      sets,
      configPath: flags.config,
      configGiven: configGiven(this.argv),
      terminal: true,
      bareNetwork: 'host',
      command,
      keptRun: flags.run,
      network: flags.network as 'none' | 'host' | undefined,
      allowHostNetwork: flags['allow-host-network'],
      runtime: flags.runtime,
      arch: flags.arch,
      offline: flags.offline,
      boot: flags.boot,
      log: stderrLogger(),
      onProgress: stderrImageProgress(),
    });
    if (code !== 0) this.exit(code);
  }
}
