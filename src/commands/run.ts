import { Args, Flags } from '@oclif/core';
import { runOneOff } from '../run/index.js';
import { Store } from '../store/index.js';
import { usageError } from '../util/errors.js';
import { stderrLogger } from '../util/log.js';
import { BaseCommand } from './_base.js';
import { stderrImageProgress } from './_progress.js';

export default class Run extends BaseCommand {
  static override summary = 'Run one command in a fresh cell of a distro and print its output.';
  static override description = 'The cell is created from the distro\'s image (fetched or built on first use) and removed when the command ends. The exit status is the command\'s.';
  static override examples = [
    '<%= config.bin %> run debian-12 -- cat /etc/os-release',
    { description: 'With the host network (default: loopback only)', command: '<%= config.bin %> run debian-11 --network host -- apt-get update' },
  ];

  static override strict = false;
  static override args = {
    distro: Args.string({ description: 'Distro name or alias (see vmatrix distros).', required: true }),
  };

  static override flags = {
    network: Flags.string({ description: 'Network of the cell.', options: ['none', 'host'], default: 'none' }),
    env: Flags.string({ char: 'e', description: 'Set an environment variable in the cell (NAME=VALUE). Repeatable.', multiple: true }),
    runtime: Flags.string({ description: 'OCI runtime to use instead of the detected one.', options: ['runc', 'crun'] }),
    offline: Flags.boolean({ description: 'Use only images already in the store; never touch the network.' }),
    arch: Flags.string({ description: 'Architecture of the image (default: the host\'s); a foreign one needs qemu-user binfmt.' }),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(Run);
    const command = (argv as string[]).slice(1);
    if (command.length === 0) {
      throw usageError('NO_COMMAND', 'no command given to run in the cell', { hint: `put it after --: vmatrix run ${args.distro} -- cat /etc/os-release` });
    }
    const env = Object.fromEntries((flags.env ?? []).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw usageError('BAD_ENV', `--env ${kv}: expected NAME=VALUE`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }));
    const controller = new AbortController();
    process.on('SIGINT', () => controller.abort());
    process.on('SIGTERM', () => controller.abort());
    const code = await runOneOff({
      store: Store.fromEnv(), distro: args.distro, args: command, env, network: flags.network as 'none' | 'host',
      runtime: flags.runtime, arch: flags.arch, log: stderrLogger(), signal: controller.signal,
      offline: flags.offline, onProgress: stderrImageProgress(),
    });
    if (code !== 0) this.exit(code);
  }
}
