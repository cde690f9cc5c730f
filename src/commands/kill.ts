import { Args, Flags } from '@oclif/core';
import { killRunning, type KillOutcome } from '../processes/index.js';
import { Store } from '../store/index.js';
import { BaseCommand } from './_base.js';

export default class Kill extends BaseCommand {
  static override summary = 'Stop a running vmatrix run, or kill one of its cells.';
  static override description = `NAME is a run id, a matrix cell id (debian-12/cc=gcc), <run-id>/<cell id> or a container id, as \`vmatrix ps\` shows them.

A run is asked to stop with SIGTERM: it kills its running cells at once, starts no more and still writes its results; kill waits until it has ended. --force ends it at once (SIGKILL): its cells die with it and the next vmatrix start sweeps what they left.

A cell is killed with SIGKILL (every process in its cgroups); its run goes on with the other cells and reports it as failed, killed by SIGKILL.`;

  static override examples = [
    { description: 'Stop a run, keeping its results', command: '<%= config.bin %> kill 20250301-101500-k3x9' },
    { description: 'Kill one cell; the rest of its run goes on', command: '<%= config.bin %> kill debian-12/cc=gcc' },
    {
      description: 'The same cell when two runs have it',
      command: '<%= config.bin %> kill 20250301-101500-k3x9/debian-12/cc=gcc',
    },
    { description: 'End a run at once', command: '<%= config.bin %> kill 20250301-101500-k3x9 --force' },
  ];

  static override args = {
    name: Args.string({
      description: 'Run id, cell id, <run-id>/<cell id> or container id (see vmatrix ps).',
      required: true,
    }),
  };

  static override flags = {
    force: Flags.boolean({
      description: 'For a run: SIGKILL instead of SIGTERM, no results written. (A cell is always killed with SIGKILL.)',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Kill);
    this.log(describe(await killRunning(Store.fromEnv(), args.name, { force: flags.force })));
  }
}

function describe(o: KillOutcome): string {
  if (o.kind === 'cell') {
    const which = `cell ${o.cell.cell} [${o.cell.container}]${o.cell.run ? ` of run ${o.cell.run}` : ''}`;
    return o.processes === 0
      ? `${which} had no process to kill: it ended, or its runtime has not started it yet`
      : `killed ${which} (${o.processes} process${o.processes === 1 ? '' : 'es'})`;
  }
  const which = `run ${o.run.id} (vmatrix pid ${o.run.pid})`;
  if (!o.signalled) return `${which} had already ended`;
  return o.signal === 'SIGTERM'
    ? `stopped ${which} (SIGTERM: its running cells were killed, its results written)`
    : `killed ${which} with SIGKILL; its cells died with it`;
}
