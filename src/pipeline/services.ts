import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import { closeLog, openLog, whyNotUp } from '../cell/cell.js';
import { cellSpec } from '../cell/spec.js';
import { cellBoot } from '../cell/init.js';
import { formatDuration } from '../util/duration.js';
import { messageOf } from '../util/errors.js';
import { openGroupNet, runCell, type CellRunResult, type GroupNet } from '../vps/index.js';
import type { ServicePlan } from '../plan/index.js';
import type { Prepared } from './inputs.js';
import type { CellBoot, CellResources, Runtime } from '../vps/index.js';

// A test cell's services (`services:`): a cell per service, started before the test cell and ended after
// it, all in one network namespace of the group's own (vps/group-net.ts) where the test cell reaches each
// by its name. A service's log is a file of the test cell's in the run directory.

/** What starting a cell's services takes of its run (cell-task.ts RunContext has it all). */
export interface ServiceContext {
  runtime: Runtime;
  /** The run's directory: the services' logs go under the cell's there. */
  runDir: string;
  /** Where the cells' scratch dirs go. */
  cellsRoot: string;
  resources?: CellResources;
  signal?: AbortSignal;
}

/** What the test cell learns of its services. */
export interface ServiceGroup {
  /** The group's network namespace, which the test cell joins, and the user namespace owning it (GroupNet). */
  netns: number;
  userns?: number;
  /** The services' names: 127.0.0.1 in the test cell's /etc/hosts. */
  names: string[];
  /** What each service came to, for the results. */
  services: ServiceOutcome[];
  /** Ends every service and the group's network. */
  stop(): Promise<void>;
}

export interface ServiceOutcome {
  name: string;
  distro: string;
  /** ready: it answered `ready:` (or started, without one); failed: it did not. */
  status: 'ready' | 'failed';
  /** From its start to ready. */
  readyMs?: number;
  /** Why it failed. */
  message?: string;
  /** Its log, relative to the run's directory. */
  logFile: string;
}

/** The services' failure: the test cell does not run. */
export class ServicesFailed extends Error {
  constructor(
    message: string,
    readonly services: ServiceOutcome[],
  ) {
    super(message);
  }
}

// $1 the service's command ('' for a booted service: its init runs it), $2 the ready command ('' for none),
// $3 the ready timeout in seconds. Says "ready" on fd 3 once $2 exits 0, then waits for the service (a
// booted one: forever, until its cell is stopped).
const SERVICE_SCRIPT = [
  'if [ -n "$1" ]; then /bin/sh -c "$1" 3>&- & p=$!; else p=; fi',
  'if [ -n "$2" ]; then',
  '  end=$(( $(date +%s) + $3 ))',
  '  until /bin/sh -c "$2" >/tmp/.vmatrix-ready 2>&1 3>&-; do',
  '    if [ -n "$p" ] && ! kill -0 "$p" 2>/dev/null; then s=0; wait "$p" || s=$?; ' +
    'echo "# the service exited (status $s) before ready: succeeded"; exit 125; fi',
  '    if [ "$(date +%s)" -ge "$end" ]; then echo "# ready: did not succeed in $3 s; its last output:"; ' +
    'cat /tmp/.vmatrix-ready; exit 124; fi',
  '    sleep 0.2',
  '  done',
  'fi',
  'echo ready >&3',
  'exec 3>&-',
  'if [ -n "$p" ]; then s=0; wait "$p" || s=$?; echo "# the service exited (status $s)"; exit "$s"; fi',
  'while :; do sleep 3600; done',
].join('\n');

interface Started {
  plan: ServicePlan;
  log: WriteStream;
  logFile: string;
  ready: Promise<number>;
  done: Promise<CellRunResult>;
}

/**
 * Starts the services of a test cell and waits until each is ready. Throws ServicesFailed (everything it
 * started ended) when one is not.
 */
export async function startServices(
  r: ServiceContext,
  o: { index: number; slug: string; cellDir: string; services: readonly ServicePlan[]; inputs: Prepared[] },
  log: WriteStream,
): Promise<ServiceGroup> {
  // Root's cells share the group's user namespace too (see GroupNet.userFd); a rootless one's services run,
  // never boot, so no exec needs it.
  const net = await openGroupNet(o.slug, r.runtime.rootless ? undefined : r.runtime.userns.map);
  const stop = new AbortController();
  const signal = r.signal ? AbortSignal.any([r.signal, stop.signal]) : stop.signal;
  const started: Started[] = [];
  const end = async (): Promise<void> => {
    stop.abort();
    await Promise.allSettled(started.map((s) => s.done));
    await Promise.allSettled(started.map((s) => closeLog(s.log)));
    await net.close();
  };
  try {
    for (const [i, plan] of o.services.entries()) started.push(await startOne(r, o, plan, o.inputs[i], i, net, signal));
  } catch (e) {
    await end();
    throw e;
  }
  const outcomes: ServiceOutcome[] = [];
  for (const s of started) {
    const base = { name: s.plan.name, distro: s.plan.distro.name, logFile: s.logFile };
    try {
      const ms = await s.ready;
      log.write(`# service ${s.plan.name} (${s.plan.distro.name}): ready in ${formatDuration(ms)}\n`);
      outcomes.push({ ...base, status: 'ready', readyMs: Math.round(ms) });
    } catch (e) {
      log.write(`# service ${s.plan.name} (${s.plan.distro.name}): ${messageOf(e)}; its log: ${s.logFile}\n`);
      outcomes.push({ ...base, status: 'failed', message: messageOf(e) });
    }
  }
  const failed = outcomes.filter((s) => s.status === 'failed');
  if (failed.length > 0) {
    await end();
    throw new ServicesFailed(
      failed.map((f) => `service ${f.name} did not become ready: ${f.message ?? ''}`).join('; '),
      outcomes,
    );
  }
  return {
    netns: net.fd,
    ...(net.userFd !== undefined && { userns: net.userFd }),
    names: o.services.map((s) => s.name),
    services: outcomes,
    stop: end,
  };
}

async function startOne(
  r: ServiceContext,
  o: { index: number; slug: string; cellDir: string },
  plan: ServicePlan,
  inputs: Prepared,
  i: number,
  net: GroupNet,
  signal: AbortSignal,
): Promise<Started> {
  const logFile = join(o.cellDir, 'services', `${plan.name}.log`);
  const log = await openLog(join(r.runDir, logFile));
  log.write(`# vmatrix service ${plan.name} (${plan.distro.name}) of cell ${o.slug}\n`);
  const lowerdirs = [...(inputs.layer ? [inputs.layer.diff] : []), inputs.image.rootfs];
  const t0 = performance.now();
  let onReady!: (ms: number) => void;
  const ready = new Promise<number>((resolve) => (onReady = resolve));
  const readySec = Math.max(1, Math.ceil(plan.readyTimeoutMs / 1000));
  const slug = `${o.slug}-${plan.name}`;
  const boot =
    plan.boot &&
    (await cellBoot(plan.boot.init, plan.boot.timeoutMs, lowerdirs, {
      console: join(r.runDir, o.cellDir, 'services', `${plan.name}.boot.log`),
    }));
  const done = runCell(
    r.runtime,
    cellSpec(
      { runtime: r.runtime, layers: lowerdirs, resources: r.resources, arch: plan.distro.arch },
      {
        id: `vmx-${process.pid}-${o.index}s${i}-${slug}`.slice(0, 64),
        hostname: plan.name,
        dir: join(r.cellsRoot, `${slug}`),
        args: [
          plan.distro.shell,
          '-c',
          SERVICE_SCRIPT,
          `vmatrix-service-${plan.name}`,
          plan.run ?? '',
          plan.ready ?? '',
          String(readySec),
        ],
        env: { ...plan.recipe.env, ...plan.env },
        network: 'none',
        joinNetns: net.fd,
        ...(net.userFd !== undefined && { joinUserns: net.userFd }),
        stdout: log,
        stderr: log,
        onControl: (line) => {
          if (line === 'ready') onReady(performance.now() - t0);
        },
        signal,
        ...(boot && { boot }),
      },
    ),
  );
  // Ready, or the reason it never will be: the service's cell ended first.
  const readyOrEnd = Promise.race([
    ready,
    done.then((res) => {
      throw new Error(serviceEnd(res, readySec, boot));
    }),
  ]);
  readyOrEnd.catch(() => {});
  return {
    plan,
    log,
    logFile,
    ready: readyOrEnd,
    done: done.catch((e: unknown) => {
      log.write(`# could not run the service: ${messageOf(e)}\n`);
      return { exitCode: null, signal: null, timedOut: false, aborted: false, durationMs: 0, oomKilled: false };
    }),
  };
}

function serviceEnd(r: CellRunResult, readySec: number, boot?: CellBoot): string {
  if (boot && r.boot && !r.boot.up) return whyNotUp(boot, r.boot);
  if (r.exitCode === 124) return `ready: did not succeed in ${readySec} s`;
  if (r.aborted) return 'cancelled';
  return r.signal ? `it was killed by ${r.signal}` : `it exited with status ${r.exitCode ?? '?'}`;
}
