import { killRunning, type KillOutcome } from '../processes/index.js';
import { Store } from '../store/index.js';
import { killSummary, killDescription, killExamples, killArgs, killFlags } from '../cli/kill-flags.js';
import { BaseCommand } from './_base.js';

export default class Kill extends BaseCommand {
  static override summary = killSummary;
  static override description = killDescription;
  static override examples = killExamples;
  static override args = killArgs;
  static override flags = killFlags;

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
