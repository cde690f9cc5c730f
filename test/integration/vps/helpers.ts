import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildBusyboxRoot } from '../../../src/images/busybox.js';
import { cellCgroupDirs } from '../../../src/vps/cgroups.js';
import { mountsUnder } from '../../../src/vps/mounts.js';
import { detectRuntime, runCell, type CellRunResult, type CellRunSpec, type Runtime } from '../../../src/vps/index.js';
import { exists } from '../../../src/util/fs.js';

// A busybox root built once per test file, and a runCell that collects output as strings.

export interface Fixture {
  tmp: string;
  root: string;
  runtime: Runtime;
  cells: string;
}

export async function setupFixture(): Promise<Fixture> {
  const tmp = await mkdtemp(join(tmpdir(), 'vmx-vps-'));
  const root = join(tmp, 'image', 'rootfs');
  await buildBusyboxRoot(root);
  return { tmp, root, runtime: await detectRuntime(), cells: join(tmp, 'cells') };
}

export async function teardownFixture(f: Fixture | undefined): Promise<void> {
  if (f) await rm(f.tmp, { recursive: true, force: true });
}

export class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export type CellOutput = CellRunResult & { stdout: string; stderr: string; dir: string };

let counter = 0;

/** A unique cell id; also a marker to look for in /proc/<pid>/cmdline. */
export function uniqueId(prefix = 'vmx-test'): string {
  return `${prefix}-${process.pid}-${++counter}-${Date.now().toString(36)}`;
}

export async function run(f: Fixture, script: string, over: Partial<CellRunSpec> = {}): Promise<CellOutput> {
  const id = over.id ?? uniqueId();
  const stdout = new Sink();
  const stderr = new Sink();
  const dir = join(f.cells, 'run', id);
  await mkdir(join(f.cells, 'run'), { recursive: true });
  const result = await runCell(f.runtime, {
    id,
    hostname: 'cell',
    lowerdirs: [f.root],
    dir,
    args: ['/bin/sh', '-c', script],
    env: {},
    cwd: '/',
    network: 'none',
    stdout,
    stderr,
    ...over,
  });
  return { ...result, stdout: stdout.text, stderr: stderr.text, dir };
}

/** Pids of live processes whose command line contains `marker`. */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(Number(name));
  }
  return found;
}

/** Everything a cell could leave behind; all empty when it is really gone. */
export async function leftovers(
  id: string,
  dir: string,
): Promise<{ processes: number[]; mounts: string[]; cgroups: string[]; dir: boolean; state: boolean }> {
  const cgroups: string[] = [];
  for (const d of await cellCgroupDirs(id)) if (await exists(d)) cgroups.push(d);
  return {
    processes: await processesWith(id),
    mounts: await mountsUnder(dir),
    cgroups,
    dir: await exists(dir),
    // We always pass --root; the runtime's default state dirs must never learn of a cell.
    state: (await exists(`/run/runc/${id}`)) || (await exists(`/run/crun/${id}`)),
  };
}

export const NOTHING_LEFT = { processes: [], mounts: [], cgroups: [], dir: false, state: false };
