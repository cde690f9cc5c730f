import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostArch } from '../util/arch.js';
import { envError } from '../util/errors.js';
import { exists } from '../util/fs.js';
import { createCellDir, fillCellDir } from './bundle.js';
import { cellOomKills, removeCellCgroups } from './cgroups.js';
import { decodeExit } from './exit-status.js';
import { cellPaths, type CellPaths } from './layout.js';
import { launcherArgv, launcherTools } from './launcher.js';
import { mountsUnder } from './mounts.js';
import { launch, type LaunchOutcome } from './process.js';
import type { CellRunResult, CellRunSpec, Runtime } from './types.js';
import { hostCertificates } from './host-ca.js';
import { hasNetwork } from './oci-spec.js';
import { openOutbound, type OutboundNet } from './outbound.js';
import { hostId } from './userns.js';
import { checkDirectory, checkLayers, validateSpec } from './validate.js';

/**
 * Runs one command in a fresh copy-on-write cell and releases everything the cell held before returning.
 * A failing command is a result; a cell that could not be started (bad root, runtime error) throws.
 */
export async function runCell(runtime: Runtime, spec: CellRunSpec): Promise<CellRunResult> {
  validateSpec(spec);
  if (spec.signal?.aborted)
    return { exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: 0, oomKilled: false };
  await checkLayers(spec.upper && (await exists(spec.upper)) ? [spec.upper, ...spec.lowerdirs] : spec.lowerdirs);
  if (spec.source) for (const d of [...(spec.source.layers ?? []), spec.source.lower]) await checkDirectory(d);
  if (spec.boot && runtime.rootless) throw bootNeedsRoot(`cell ${spec.id}`);
  const paths = cellPaths(spec.dir, spec.upper, spec.source?.upper);
  const owner = { uid: hostId(spec.userns, 0, 'uid'), gid: hostId(spec.userns, 0, 'gid') };
  const withHostCa = hasNetwork(spec) && (await hostCertificates()) !== '';
  const argv = launcherArgv(
    await launcherTools(),
    runtime,
    {
      id: spec.id,
      lowerdirs: spec.lowerdirs,
      sourceLower: spec.source && [...(spec.source.layers ?? []), spec.source.lower].join(':'),
      withResolv: hasNetwork(spec),
      withHostCa,
      owner,
      control: spec.onControl !== undefined,
      withNetns: spec.network === 'outbound' || spec.joinNetns !== undefined,
      withUserns: spec.joinNetns !== undefined && spec.joinUserns !== undefined,
      linux32: spec.arch !== undefined && runsAs32Bit(spec.arch),
      ...(spec.boot && {
        boot: {
          consoleLog: spec.boot.consoleLog,
          stopSignal: spec.boot.stopSignal,
          graceSec: Math.max(1, Math.ceil((spec.boot.graceMs ?? BOOT_GRACE_MS) / 1000)),
          timeoutSec: Math.max(1, Math.ceil(spec.boot.timeoutMs / 1000)),
          ...(spec.boot.log && spec.boot.journal && { journal: spec.boot.journal }),
        },
      }),
    },
    paths,
  );
  await createCellDir(paths);
  let outcome: LaunchOutcome;
  let net: OutboundNet | undefined;
  const boot = spec.boot ? bootWatch(spec.onControl) : undefined;
  let bootReady: string | undefined;
  try {
    if (spec.network === 'outbound') net = await openOutbound(spec.id);
    await fillCellDir(spec, paths, net !== undefined || spec.joinNetns !== undefined);
    // Rootless cells have no cgroup to be killed through: `vmatrix kill` kills their launcher (signal.ts).
    const io = boot
      ? { ...spec, onControl: boot.onControl, signal: boot.guard(spec.boot!.timeoutMs, spec.signal) }
      : spec;
    outcome = await launch(
      argv,
      io,
      net?.fd ?? spec.joinNetns,
      (pid) => {
        writeFile(paths.launcher, String(pid)).catch(() => {});
      },
      spec.joinNetns !== undefined ? spec.joinUserns : undefined,
    );
    const bootFailed = boot !== undefined && boot.state.ms === undefined;
    if (!outcome.timedOut && !outcome.aborted && (!bootFailed || boot.state.initExit !== undefined))
      await throwIfNotStarted(runtime, spec.id, paths, outcome);
    if (bootFailed) bootReady = (await readFile(paths.readyOut, 'utf8').catch(() => '')).trim();
  } catch (e) {
    await net?.close();
    await releaseCell(spec.id, paths).catch(() => {
      /* the first error is the one to report */
    });
    throw e;
  }
  await net?.close();
  const oomKills = await releaseCell(spec.id, paths);
  const { timedOut, aborted, durationMs } = outcome;
  const result = {
    ...decodeExit(outcome.code, outcome.signal),
    timedOut,
    aborted,
    durationMs,
    oomKilled: oomKills > 0,
  };
  if (!boot) return result;
  boot.stop();
  const { ms, timedOut: late, initExit } = boot.state;
  return {
    ...result,
    boot: {
      up: ms !== undefined,
      ms: ms ?? durationMs,
      ...(late && { timedOut: true }),
      ...(initExit !== undefined && { initExit }),
      ...(bootReady !== undefined && { ready: bootReady }),
    },
  };
}

/** The refusal of a system cell (`what`: the cell or service) without root; a run says it before it starts. */
export function bootNeedsRoot(what: string): Error {
  return envError('BOOT_NEEDS_ROOT', `${what} boots its init (boot: true), which needs root in this version`, {
    hint:
      "an init makes cgroups, and an ordinary user's cell has none of its own to give it: run vmatrix as root " +
      '(sudo) for system cells; run: services work without root',
  });
}

/** How long a system cell's init has to shut down before it is killed. */
export const BOOT_GRACE_MS = 10_000;
/** How long after its boot timeout a system cell whose launcher did not end the boot is killed. */
const BOOT_GUARD_MS = 30_000;

/**
 * Reads what the launcher says of a system cell's boot on the control channel (launcher.ts BOOT); every
 * other line is the steps' and goes to `onControl`. Only the first word about the boot counts: the steps
 * start after it, with fd 3 closed for them.
 */
function bootWatch(onControl?: (line: string) => void): {
  onControl: (line: string) => void;
  state: { ms?: number; timedOut?: boolean; initExit?: number };
  guard: (timeoutMs: number, signal?: AbortSignal) => AbortSignal;
  stop: () => void;
} {
  const started = performance.now();
  const state: { ms?: number; timedOut?: boolean; initExit?: number; said?: boolean } = {};
  const late = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  return {
    state,
    // The launcher ends a boot that takes too long itself; should it hang (a poll that never returns), the
    // cell is killed a while later all the same.
    guard: (timeoutMs, signal) => {
      timer = setTimeout(() => {
        if (state.said) return;
        state.said = true;
        state.timedOut = true;
        late.abort();
      }, timeoutMs + BOOT_GUARD_MS);
      return signal ? AbortSignal.any([signal, late.signal]) : late.signal;
    },
    stop: () => clearTimeout(timer),
    onControl: (line) => {
      if (state.said) return onControl?.(line);
      state.said = true;
      if (line === 'vmatrix-booted') state.ms = performance.now() - started;
      else if (line === 'vmatrix-boot-timeout') state.timedOut = true;
      else if (line.startsWith('vmatrix-init-exited ')) state.initExit = Number(line.split(' ')[1]);
      else state.said = false;
    },
  };
}

/** Tells "the cell could not start" (an environment error) from "the command failed" (a result). */
async function throwIfNotStarted(
  runtime: Runtime,
  id: string,
  paths: CellPaths,
  outcome: LaunchOutcome,
): Promise<void> {
  if (outcome.code === 0) return;
  const setup = (await readFile(paths.setupLog, 'utf8').catch(() => '')).trim();
  if (setup) throw envError('CELL_SETUP_FAILED', `cell ${id}: could not assemble its root filesystem: ${setup}`);
  const errors = runtimeErrors(await readFile(paths.runtimeLog, 'utf8').catch(() => ''));
  if (errors.length > 0) {
    throw envError('CELL_START_FAILED', `cell ${id}: ${runtime.name} could not run it: ${errors.join('; ')}`, {
      hint: 'run `vmatrix doctor` to check the host',
    });
  }
}

/** The error messages of a JSON runtime log (one object per line). */
export function runtimeErrors(log: string): string[] {
  return log.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      return entry.level === 'error' || entry.level === 'fatal' ? [entry.msg ?? line] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Removes the cell's leftover cgroups and its dir, and returns the cell's OOM-kill count, read from its memory
 * cgroup first. Nothing can still be mounted there (the mounts lived in the cell's own namespace), but we
 * check: `rm -rf` through a mount would delete a shared layer.
 */
export async function releaseCell(id: string, paths: CellPaths): Promise<number> {
  const oomKills = await cellOomKills(id);
  const busy = await removeCellCgroups(id);
  const mounted = await mountsUnder(paths.dir);
  if (mounted.length > 0) {
    throw envError('CELL_MOUNT_LEFT', `cell ${id}: ${mounted.join(', ')} is still mounted, so ${paths.dir} was kept`, {
      hint: `unmount it (umount -R ${mounted[0]}) and remove ${paths.dir}`,
    });
  }
  await rm(paths.dir, { recursive: true, force: true });
  if (busy.length > 0) throw envError('CELL_PROCESS_LEFT', `cell ${id}: processes survived in ${busy.join(', ')}`);
  return oomKills;
}

/** A 32-bit arch whose 64-bit sibling this host is: its cells get the 32-bit personality. */
export function runsAs32Bit(arch: string, host = hostArch()): boolean {
  return (host === 'amd64' && arch === 'i386') || (host === 'arm64' && arch === 'armhf');
}
