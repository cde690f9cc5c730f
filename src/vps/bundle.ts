import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { usageError } from '../util/errors.js';
import { exists } from '../util/fs.js';
import { cgroupSupport } from './cgroup-support.js';
import type { CellPaths } from './layout.js';
import { cellNofile } from './limits.js';
import { hostCertificates } from './host-ca.js';
import { buildOciConfig, execProcessOf, hasNetwork, hostsFile, readyProcessOf } from './oci-spec.js';
import { outboundResolv } from './outbound.js';
import { rootlessMode } from '../util/user-namespace.js';
import { seccompWanted } from './seccomp.js';
import type { CellMarker, CellRunSpec } from './types.js';

/**
 * Creates the cell dir. It must not exist: we only ever remove
 * what we created, so a wrong `dir` can never make us delete someone else's files.
 */
export async function createCellDir(paths: CellPaths): Promise<void> {
  await mkdir(paths.dir, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'EEXIST' ? usageError('CELL_DIR_EXISTS', `cell dir ${paths.dir} already exists`, { cause: e }) : e;
  });
}

/** Fills the (new, empty) cell dir: marker, bundle, mount points, upper/work dirs. */
export async function fillCellDir(spec: CellRunSpec, paths: CellPaths, netns = false): Promise<void> {
  const marker: CellMarker = { id: spec.id, pid: process.pid, created: new Date().toISOString() };
  await writeFile(paths.marker, JSON.stringify(marker));
  const dirs = [paths.bundle, paths.work];
  if (spec.source) dirs.push(paths.srcWork);
  for (const d of dirs) await mkdir(d, { mode: 0o700 });
  if (!(await exists(paths.upper))) await mkdirLike(paths.upper, spec.lowerdirs[0]);
  if (spec.source && !(await exists(paths.srcUpper)))
    await mkdirLike(paths.srcUpper, spec.source.layers?.[0] ?? spec.source.lower);
  await writeFile(paths.hosts, hostsFile(spec.hostname, spec.extraHosts));
  if (hasNetwork(spec)) await writeFile(paths.resolv, await resolvOf(spec));
  const hostCa = hasNetwork(spec) ? await hostCertificates() : '';
  if (hostCa) await writeFile(paths.hostCa, hostCa);
  // Only a memory limit needs to know about swap accounting.
  const swapLimit = spec.resources?.memoryBytes !== undefined && (await cgroupSupport()).swapLimit;
  const rootless = await rootlessMode();
  const host = {
    nofile: await cellNofile(),
    swapLimit,
    seccomp: seccompWanted(),
    hostCa: hostCa !== '',
    netns,
    rootless,
  };
  await writeFile(paths.config, JSON.stringify(buildOciConfig(spec, host), null, 2));
  // A system cell's init is config.json's process; its steps and readiness polls are exec'd into it.
  if (spec.boot) {
    await writeFile(paths.execProcess, JSON.stringify(execProcessOf(spec, host)));
    const boot = { ...spec, boot: spec.boot };
    await writeFile(paths.readyProcess, JSON.stringify(readyProcessOf(boot, host)));
    if (spec.boot.log) await writeFile(paths.logProcess, JSON.stringify(readyProcessOf(boot, host, spec.boot.log)));
  }
}

/** The host's resolv.conf; an outbound cell asks slirp4netns's forwarder, which asks the host's resolver. */
async function resolvOf(spec: CellRunSpec): Promise<string> {
  const host = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  return spec.network === 'outbound' ? outboundResolv(host) : host;
}

/** The merged root of an overlay takes the upper dir's mode and owner: give it those of the layer below. */
async function mkdirLike(path: string, model: string): Promise<void> {
  const st = await stat(model);
  await mkdir(dirname(path), { recursive: true });
  await mkdir(path);
  await chown(path, st.uid, st.gid);
  await chmod(path, st.mode & 0o7777);
}
