import type { Interfaces } from './oclif.js';
import { availableParallelism } from 'node:os';
import type { KeepMode } from '../cell/index.js';
import type { TestRunOptions } from '../pipeline/index.js';
import { planRevision, planRun, type Plan, type RevisionSource } from '../plan/index.js';
import { inert } from '../util/inert.js';
import type { testFlags } from './test-flags.js';

// `vmatrix test`'s flags turned into what the core takes: the plan (of the working tree, or of a revision
// with --ref/--repo) and the pipeline's options.

export type TestFlags = Interfaces.InferredFlags<typeof testFlags>;

/** The run's plan; its note (which shard, which durations) and its EOL warnings go to stderr. */
export async function planFromFlags(
  flags: TestFlags,
  configGiven: boolean,
): Promise<{ plan: Plan; source?: RevisionSource }> {
  const select = {
    only: flags.only,
    distros: flags.distro,
    cellIds: flags.cell,
    shard: flags.shard,
    durations: flags.durations ? { file: flags.durations } : ('last-full-run' as const),
  };
  const { plan, source } =
    flags.ref || flags.repo
      ? await planRevision({
          configPath: flags.config,
          configGiven,
          repo: flags.repo,
          ref: flags.ref,
          ...select,
          arches: flags.arch,
          onProgress: (m) => process.stderr.write(`vmatrix: ${inert(m)}\n`),
        })
      : { plan: await planRun(flags.config, { ...select, arches: flags.arch, configGiven }), source: undefined };
  if (plan.note) process.stderr.write(`vmatrix: ${inert(plan.note)}\n`);
  for (const w of plan.eolWarnings ?? []) process.stderr.write(`vmatrix: warning: ${inert(w)}\n`);
  return { plan, source };
}

/** The pipeline's options that come straight from flags. */
export function runOptions(
  flags: TestFlags,
): Omit<TestRunOptions, 'plan' | 'store' | 'emit' | 'signal' | 'drain' | 'source'> {
  return {
    jobs: flags.jobs ?? availableParallelism(),
    runtime: flags.runtime,
    output: flags.output,
    offline: flags.offline,
    keep: flags.keep as KeepMode,
    rebuild: flags.rebuild,
    retries: flags.retries,
    failFast: flags['fail-fast'],
    ceilings: { maxMemory: flags['max-memory'], maxPids: flags['max-pids'] },
    allowHostNetwork: flags['allow-host-network'],
  };
}
