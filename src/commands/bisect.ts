import { basename, dirname, join, resolve } from 'node:path';
import { bisectCell, BisectCancelled, type BisectResult } from '../bisect/index.js';
import { newRunId, type RunEvent } from '../results/index.js';
import { Store } from '../store/index.js';
import { inert, inertLine } from '../util/inert.js';
import { fileTail } from '../util/tail.js';
import { bisectArgs, bisectDescription, bisectExamples, bisectFlags, bisectSummary } from '../cli/bisect-flags.js';
import { BaseCommand } from './_base.js';
import { configGiven } from './_pairs.js';

/** How much of the first bad commit's log is printed. */
const LOG_LINES = 30;

// `vmatrix bisect`: git bisect of the project in one cell; the result on stdout, progress on stderr.
export default class Bisect extends BaseCommand {
  static override summary = bisectSummary;
  static override description = bisectDescription;
  static override examples = bisectExamples;
  static override args = bisectArgs;
  static override flags = bisectFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Bisect);
    const given = configGiven(this.argv);
    const projectDir = dirname(resolve(flags.config));
    // Ctrl-C or SIGTERM: the cell under test is killed at once (a bisection step is not worth a grace period).
    const stop = new AbortController();
    process.on('SIGINT', () => (stop.signal.aborted ? process.exit(130) : stop.abort()));
    process.on('SIGTERM', () => stop.abort());
    const say = (line: string) => process.stderr.write(`vmatrix: bisect: ${inert(line)}\n`);
    let result: BisectResult;
    try {
      result = await bisectCell({
        store: Store.fromEnv(),
        projectDir,
        ...(given && { config: flags.config }),
        configName: basename(flags.config),
        cell: args.cell,
        good: flags.good,
        bad: flags.bad,
        ...(flags.run !== undefined && { run: flags.run }),
        id: newRunId(),
        runtime: flags.runtime,
        offline: flags.offline,
        allowHostNetwork: flags['allow-host-network'],
        signal: stop.signal,
        onProgress: say,
        emit: progressLines(),
      });
    } catch (e) {
      if (!(e instanceof BisectCancelled)) throw e;
      process.stderr.write(
        'vmatrix: bisect interrupted: no commit was marked, and its clone in the store is removed\n',
      );
      this.exit(130);
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(await resultText(result, projectDir));
    if (!result.firstBad) this.exit(1);
  }
}

/**
 * What the runs say on the way that is worth a line: images and setup layers being made, and the cells'
 * isolation once (every commit's run says it again). The source lines are left out: bisect names each commit.
 */
function progressLines(): (e: RunEvent) => void {
  const said = new Set<string>();
  return (e) => {
    if (e.type !== 'progress' || e.scope === 'source') return;
    const line = `vmatrix: ${inertLine(e.scope)}: ${inert(e.message)}\n`;
    if (e.scope === 'isolation' && said.has(line)) return;
    said.add(line);
    process.stderr.write(line);
  };
}

async function resultText(r: BisectResult, projectDir: string): Promise<string> {
  const lines: string[] = [];
  const searched = `${r.cells} cell${r.cells === 1 ? '' : 's'} run, in ${r.output}`;
  if (r.firstBad) {
    lines.push(`first bad commit in ${inertLine(r.cell)}: ${r.firstBad.commit}`, `  ${inertLine(r.firstBad.subject)}`);
    lines.push(`  ${searched}`);
    for (const s of r.steps) lines.push(`  ${s.commit.slice(0, 12)} ${s.verdict.padEnd(4)} ${inertLine(s.subject)}`);
    if (r.firstBad.logPath) {
      const tail = await fileTail(join(projectDir, r.firstBad.logPath), LOG_LINES);
      lines.push(
        '',
        `its log (${r.firstBad.logPath}), last ${LOG_LINES} lines:`,
        ...(tail ?? []).map((l) => `  ${inert(l)}`),
      );
    }
  } else {
    lines.push(
      `${inertLine(r.cell)}: only skipped commits were left; the first bad commit is one of:`,
      ...(r.candidates ?? []).map((c) => `  ${c}`),
      `  ${searched}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
