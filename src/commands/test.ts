import { exitCodeOf } from '../results/index.js';
import { runTests } from '../pipeline/index.js';
import { Store } from '../store/index.js';
import { interruptible } from '../cli/interrupt.js';
import { runReporters } from '../cli/reporters.js';
import { testDescription, testExamples, testSummary, testFlags } from '../cli/test-flags.js';
import { planFromFlags, runOptions } from '../cli/test-run.js';
import { BaseCommand } from './_base.js';
import { configGiven } from './_pairs.js';

// `vmatrix test`: plan the run, choose its reporters, run it with the Ctrl-C policy, exit by its results.
export default class Test extends BaseCommand {
  static override summary = testSummary;
  static override description = testDescription;
  static override examples = testExamples;
  static override flags = testFlags;

  async run(): Promise<void> {
    const { flags } = await this.parse(Test);
    const { plan, source } = await planFromFlags(flags, configGiven(this.argv));
    const report = await runReporters(
      flags,
      plan.projectDir,
      plan.cells.map((c) => c.id),
    );
    const { drain, kill } = interruptible(flags.grace);
    const result = await runTests({
      ...runOptions(flags),
      plan,
      source,
      store: Store.fromEnv(),
      signal: kill.signal,
      drain: drain.signal,
      emit: (e) => report.emit(e),
    });
    await report.flush();
    const code = exitCodeOf(result);
    if (code !== 0) this.exit(code);
  }
}
