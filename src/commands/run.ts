import { runSession } from '../session/index.js';
import { Store } from '../store/index.js';
import { usageError } from '../util/errors.js';
import { stderrLogger } from '../util/log.js';
import { runSummary, runDescription, runExamples, runArgs, runFlags } from '../cli/run-flags.js';
import { BaseCommand } from './_base.js';
import { configGiven, parsePairs } from './_pairs.js';
import { stderrImageProgress } from './_progress.js';

export default class Run extends BaseCommand {
  static override summary = runSummary;
  static override description = runDescription;
  static override examples = runExamples;
  static override strict = false;
  static override args = runArgs;
  static override flags = runFlags;

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(Run);
    const command = (argv as string[]).slice(1);
    if (command.length === 0) {
      throw usageError('NO_COMMAND', 'no command given to run in the cell', {
        hint: `put it after --: vmatrix run ${args.distro} -- cat /etc/os-release`,
      });
    }
    const controller = new AbortController();
    process.on('SIGINT', () => controller.abort());
    process.on('SIGTERM', () => controller.abort());
    const code = await runSession({
      store: Store.fromEnv(),
      target: args.distro,
      sets: parsePairs(flags.set, '--set', 'vmatrix run debian-11 --set cc=clang -- make'),
      configPath: flags.config,
      configGiven: configGiven(this.argv),
      terminal: false,
      bareNetwork: 'none',
      command,
      env: parsePairs(flags.env, '--env', 'vmatrix run debian-12 -e CI=1 -- env'),
      network: flags.network as 'none' | 'host' | undefined,
      allowHostNetwork: flags['allow-host-network'],
      runtime: flags.runtime,
      arch: flags.arch,
      log: stderrLogger(),
      signal: controller.signal,
      offline: flags.offline,
      boot: flags.boot,
      onProgress: stderrImageProgress(),
    });
    if (code !== 0) this.exit(code);
  }
}
