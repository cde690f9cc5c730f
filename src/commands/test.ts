import { Flags } from '@oclif/core';
import { availableParallelism } from 'node:os';
import { GithubReporter, HtmlReporter, JsonReporter, JunitReporter, PlainReporter, type Reporter } from '../report/index.js';
import { exitCodeOf, planRevision, planRun, runTests, type KeepMode } from '../run/index.js';
import { configGiven } from './_pairs.js';
import { Store } from '../store/index.js';
import { BaseCommand } from './_base.js';

export default class Test extends BaseCommand {
  static override summary = 'Run the test matrix: every distro × axis cell in its own copy-on-write container.';
  static override description = `Reads vmatrix.yml, expands the cells, obtains each distro's image once, installs the packages once
per distro (cached as a layer: the next run does no package-manager work), then runs the test commands of
every cell in parallel. Each cell sees the project at /src as its own writable copy: builds never reach
your checkout or another cell. Logs and results.json are written under .vmatrix/runs/<run-id>/.

Exit status: 0 all cells passed, 1 a cell failed, 2 bad config or flags, 3 a host problem (see vmatrix doctor).`;

  static override examples = [
    { description: 'Run every cell, as many at a time as there are CPUs', command: '<%= config.bin %> test' },
    { description: 'Only the Debian 12 cells, two at a time', command: '<%= config.bin %> test --only "debian-12/*" --jobs 2' },
    { description: 'Only the cells where build=Debug', command: '<%= config.bin %> test --only build=Debug' },
    { description: 'The project as it was at tag v1.2 (with today\'s matrix)', command: '<%= config.bin %> test --ref v1.2' },
    { description: 'Another repository at a release, with its own vmatrix.yml', command: '<%= config.bin %> test --repo https://example.org/lib.git --ref v2.0.1' },
    { description: 'Keep the failed cells, then look at what one left', command: '<%= config.bin %> test --keep failed; <%= config.bin %> shell --run latest debian-12/cc=gcc' },
    { description: 'Give failing cells two more tries, and stop everything at the first cell that still fails', command: '<%= config.bin %> test --retries 2 --fail-fast' },
    { description: 'On CI runner 2 of 3: its part of the matrix (then vmatrix report --merge joins the parts)', command: '<%= config.bin %> test --shard 2/3' },
    { description: 'Exactly one cell, as a CI job per cell does', command: '<%= config.bin %> test --cell debian-12/cc=gcc' },
  ];

  static override flags = {
    config: Flags.string({ char: 'c', description: 'Path of the config file.', default: 'vmatrix.yml' }),
    jobs: Flags.integer({ char: 'j', description: 'Cells run at once (default: number of CPUs).', min: 1 }),
    only: Flags.string({ description: 'Run only cells matching: a cell id, a glob (debian-*), or axis=value. Repeatable.', multiple: true }),
    distro: Flags.string({ description: 'Run only the cells of this distro (a name or alias). Repeatable.', multiple: true }),
    cell: Flags.string({ description: 'Run exactly this cell (its id, as vmatrix matrix prints it). Repeatable.', multiple: true, exclusive: ['only', 'shard'] }),
    shard: Flags.string({ description: 'Run part i of N (1-based, e.g. 2/3) of the cells: every runner of a CI matrix computes the same split, balanced by the last known durations.' }),
    durations: Flags.string({ description: 'The results.json whose cell durations balance --shard and order cells slowest first (default: the project\'s last full run, if any).' }),
    runtime: Flags.string({ description: 'OCI runtime to use instead of the detected one.', options: ['runc', 'crun'] }),
    offline: Flags.boolean({ description: 'Use only images already in the store; a missing one is an error, not a download.' }),
    arch: Flags.string({ description: 'Architecture of the images (default: the host\'s), e.g. arm64; a foreign one needs qemu-user binfmt.' }),
    ref: Flags.string({ description: 'Test this commit, branch or tag instead of the working tree (with today\'s vmatrix.yml; with --repo, the repository\'s own at that commit).' }),
    repo: Flags.string({ description: 'Test another repository (a URL, cloned into the store and fetched on later runs, or a path), at --ref (default HEAD).' }),
    rebuild: Flags.boolean({ description: 'Build the setup layers of these cells again, even when cached; the new layer replaces the old one.' }),
    keep: Flags.string({ description: 'Keep what these cells wrote (their root and project copy), to open a shell on it: vmatrix shell --run <run-id> <cell>.', options: ['none', 'failed', 'all'], default: 'none' }),
    retries: Flags.integer({ description: 'Run a failed or timed-out cell again, in a fresh cell, up to N more times (default: retries: of vmatrix.yml, else 0); one that then passes is flaky.', min: 0, max: 10 }),
    'fail-fast': Flags.boolean({ description: 'At the first failing cell (after its retries), cancel the queued cells and kill the running ones; the results are still written.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Test);
    const select = { only: flags.only, distros: flags.distro, cellIds: flags.cell, shard: flags.shard, durations: flags.durations ? { file: flags.durations } : 'last-full-run' as const };
    const { plan, source } = flags.ref || flags.repo
      ? await planRevision({ configPath: flags.config, configGiven: configGiven(this.argv), repo: flags.repo, ref: flags.ref, ...select, arch: flags.arch,
        onProgress: (m) => process.stderr.write(`vmatrix: ${m}\n`) })
      : { plan: await planRun(flags.config, { ...select, arch: flags.arch }), source: undefined };
    if (plan.note) process.stderr.write(`vmatrix: ${plan.note}\n`);
    const reporters: Reporter[] = [new PlainReporter(process.stdout, process.stderr, plan.projectDir), new JsonReporter(), new HtmlReporter(plan.projectDir), new JunitReporter(plan.projectDir)];
    if (GithubReporter.enabled()) reporters.push(new GithubReporter(plan.projectDir));
    const controller = interruptible();
    const result = await runTests({
      plan, store: Store.fromEnv(), jobs: flags.jobs ?? availableParallelism(), runtime: flags.runtime, signal: controller.signal, offline: flags.offline, keep: flags.keep as KeepMode, rebuild: flags.rebuild, source,
      retries: flags.retries, failFast: flags['fail-fast'],
      emit: (e) => { for (const r of reporters) r.onEvent(e); },
    });
    await Promise.all(reporters.map((r) => r.flush?.()));
    const code = exitCodeOf(result);
    if (code !== 0) this.exit(code);
  }
}

/** Ctrl-C once: stop and kill the running cells, still write the results; twice: leave at once. */
function interruptible(): AbortController {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nvmatrix: interrupted, stopping the cells (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}
