import { Flags } from '../cli/oclif.js';
import { listRunning } from '../processes/index.js';
import { Store } from '../store/index.js';
import { formatDuration } from '../util/duration.js';
import { BaseCommand } from './_base.js';
import { table } from '../cli/table.js';

export default class Ps extends BaseCommand {
  static override summary = 'List the cells running now, in every vmatrix using this store.';
  static override description =
    'One row per running cell: its run, the vmatrix process running it, the project, the matrix ' +
    'cell id (setup-<distro> while a setup layer is built), the container id and how long it has ' +
    'been running. Every vmatrix using the same store ($VMATRIX_HOME) is listed; runs whose ' +
    'process is gone are not. `vmatrix kill` takes any of the RUN, CELL or CONTAINER names.';

  static override examples = [
    '<%= config.bin %> ps',
    { description: 'As JSON: {"runs": [...], "cells": [...]}', command: '<%= config.bin %> ps --json' },
  ];

  static override flags = {
    json: Flags.boolean({ description: 'Print the live runs and their running cells as JSON.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Ps);
    const { runs, cells } = await listRunning(Store.fromEnv());
    if (flags.json) {
      this.log(JSON.stringify({ runs, cells }, null, 2));
      return;
    }
    if (cells.length === 0) this.log('no cells are running');
    else {
      this.log(
        table(
          ['RUN', 'PID', 'PROJECT', 'CELL', 'CONTAINER', 'RUNNING'],
          cells.map((c) => [
            c.run ?? '-',
            String(c.pid),
            c.project ?? '-',
            c.cell,
            c.container,
            formatDuration(c.runningMs),
          ]),
        ),
      );
    }
    for (const r of runs.filter((r) => !cells.some((c) => c.run === r.id))) {
      this.log(`run ${r.id} (vmatrix pid ${r.pid}${r.project ? `, ${r.project}` : ''}) has no cell running right now`);
    }
  }
}
