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
      withNetns: spec.network === 'outbound',
      linux32: spec.arch !== undefined && runsAs32Bit(spec.arch),
    },
    paths,
  );
  await createCellDir(paths);
  let outcome: LaunchOutcome;
  let net: OutboundNet | undefined;
  try {
    if (spec.network === 'outbound') net = await openOutbound(spec.id);
    await fillCellDir(spec, paths, net !== undefined);
    // Rootless cells have no cgroup to be killed through: `vmatrix kill` kills their launcher (signal.ts).
    outcome = await launch(argv, spec, net?.fd, (pid) => {
      writeFile(paths.launcher, String(pid)).catch(() => {});
    });
    if (!outcome.timedOut && !outcome.aborted) await throwIfNotStarted(runtime, spec.id, paths, outcome);
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
  return { ...decodeExit(outcome.code, outcome.signal), timedOut, aborted, durationMs, oomKilled: oomKills > 0 };
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
