// What the figures of a run were measured on, for results.json and the published table: a ratio means little
// without the machine's CPU, cores, kernel, cgroup layout, OCI runtime and the filesystem of the scratch dir.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { importDist } from './dist.mjs';

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** PRETTY_NAME of os-release(5), the distribution's own name for itself. */
function distro() {
  const text = read('/etc/os-release') || read('/usr/lib/os-release');
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? 'unknown';
}

/** The filesystem type of the mount holding `dir` (findmnt(8) -T; `stat -f` would name ext4 "ext2/ext3"). */
function filesystemOf(dir) {
  try {
    return execFileSync('findmnt', ['-no', 'FSTYPE', '-T', dir], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** The host of a benchmark run; `scratch` is the dir the cases work in. */
export async function describeHost(scratch) {
  const vps = await importDist('vps/index.js');
  const { cgroupLayout } = await importDist('vps/runtime.js');
  let runtime;
  try {
    const r = await vps.detectRuntime();
    runtime = { name: r.name, version: r.version };
  } catch (e) {
    runtime = { name: 'none', version: e.message };
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    distro: distro(),
    cgroups: await cgroupLayout(),
    runtime,
    node: process.version,
    scratchFs: filesystemOf(scratch),
    // The host may be shared: its load when the run began says how much other work competed with the figures.
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
