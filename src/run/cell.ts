import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { DistroEntry } from '../catalog/types.js';
import type { Cell } from '../matrix/types.js';
import { runCell, type Runtime } from '../vps/index.js';
import { STEP_LOOP } from './steps.js';
import type { CellStatus } from './types.js';

// The test step of one cell: a fresh copy-on-write root (image + setup layer), the project snapshot
// copy-on-write at the workdir, the test commands run in order. Output goes to the cell's log.

export interface TestStep {
  runtime: Runtime;
  cell: Cell;
  distro: DistroEntry;
  lowerdirs: string[];
  sourceTree: string;
  workdir: string;
  commands: string[];
  env: Record<string, string>;
  network: 'none' | 'host';
  /** Cell ids the steps run as. */
  user?: { uid: number; gid: number };
  scratch: string;
  containerId: string;
  log: WriteStream;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TestOutcome {
  status: CellStatus;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
}

export async function runTestStep(t: TestStep): Promise<TestOutcome> {
  const r = await runCell(t.runtime, {
    id: t.containerId,
    hostname: t.cell.slug,
    lowerdirs: t.lowerdirs,
    dir: t.scratch,
    source: { lower: t.sourceTree, dest: t.workdir },
    args: [t.distro.shell, '-c', STEP_LOOP, 'vmatrix-test', ...t.commands],
    env: t.env,
    cwd: t.workdir,
    network: t.network,
    userns: t.runtime.userns.map,
    user: t.user,
    stdout: t.log,
    stderr: t.log,
    timeoutMs: t.timeoutMs,
    signal: t.signal,
  });
  const status: CellStatus = r.aborted ? 'cancelled' : r.timedOut ? 'timed-out' : r.exitCode === 0 ? 'passed' : 'failed';
  return { status, exitCode: r.exitCode, signal: r.signal, durationMs: r.durationMs };
}

/** Opens a cell's log file, creating its directory. */
export async function openLog(path: string): Promise<WriteStream> {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: 'a' });
  await once(stream, 'open');
  return stream;
}

export async function closeLog(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  stream.end();
  await once(stream, 'close');
}

/** Appends another log (the shared setup log) to a cell's log, so each cell's log tells its whole story. */
export async function appendFileTo(stream: WriteStream, path: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (text) stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function cellLogPath(runDir: string, cell: Cell): string {
  // The id's distro/axes structure becomes directories; values are made safe for a path segment.
  const parts = cell.id.split('/').map((p) => p.replace(/[^A-Za-z0-9._=,+-]/g, '_').replace(/^\.+/, '_'));
  return join(runDir, ...parts, 'log.txt');
}
