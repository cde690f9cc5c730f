import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import type { TestStep } from '../config/index.js';
import type { Cell } from '../matrix/types.js';
import { formatDuration } from '../util/duration.js';
import { fileTail, TAIL_LINES } from '../util/tail.js';
import { envError } from '../util/errors.js';
import { runCell, type CellBoot, type CellRunResult } from '../vps/index.js';
import { StepClock } from './step-clock.js';
import { cellSpec, stepArgs, type CellCommand, type CellGround } from './spec.js';
import type { CellStatus, StepResult } from '../results/types.js';

// The test phase of one cell: a fresh copy-on-write root (image + setup layer), the project snapshot
// copy-on-write at the workdir, the test steps run in order. Output goes to the cell's log.

/** The test phase of one cell: its steps, run in order in one fresh cell, their output to its log. */
export interface TestPhase {
  ground: CellGround;
  /** The cell's command but what the test phase sets itself: its args, output, control channel, signal. */
  command: Omit<CellCommand, 'args' | 'stdout' | 'stderr' | 'onControl' | 'signal'>;
  /** The distro's shell, which runs the step loop. */
  shell: string;
  /** The test steps, placeholders already replaced. */
  steps: readonly TestStep[];
  log: WriteStream;
  /** Where the steps' output goes (default: the log); it must end up in the log. */
  output?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface TestOutcome {
  status: CellStatus;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  steps: StepResult[];
  /** The step that failed or timed out. */
  step?: string;
  /** Why the cell is an error (a system cell whose system did not come up). */
  message?: string;
  /** A system cell: how long its system took to come up. */
  bootMs?: number;
}

export async function runTestPhase(t: TestPhase): Promise<TestOutcome> {
  // A step's own timeout kills the cell like a cancel does; `stepFirst` tells the two apart afterwards.
  const stepTimeout = new AbortController();
  let stepFirst = false;
  const clock = new StepClock(t.steps, () => {
    stepFirst = !t.signal?.aborted;
    stepTimeout.abort();
  });
  const signal = t.signal ? AbortSignal.any([t.signal, stepTimeout.signal]) : stepTimeout.signal;
  let r: CellRunResult;
  try {
    r = await runCellFor(t, clock, signal);
  } finally {
    clock.stop();
  }
  if (r.boot && !r.boot.up) return bootFailure(t, r);
  const stepTimedOut = stepFirst && r.aborted;
  const status = stepTimedOut ? 'timed-out' : statusOf(r);
  const step = stepTimedOut ? t.steps[clock.expired!] : status === 'passed' ? undefined : clock.lastStarted();
  if (stepTimedOut)
    t.log.write(`# step "${step!.name}" timed out after ${formatDuration(step!.timeout!)}: its cell was killed\n`);
  return {
    status,
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    steps: clock.results(),
    ...(step && { step: step.name }),
    ...(r.boot && { bootMs: Math.round(r.boot.ms) }),
  };
}

/** A system cell whose system never came up: an error of the cell, with what its console said last. */
async function bootFailure(t: TestPhase, r: CellRunResult): Promise<TestOutcome> {
  const boot = t.command.boot!;
  const [, ...waiting] = (r.boot!.ready ?? '').trim().split('\n');
  const why = whyNotUp(boot, r.boot!);
  t.log.write(`# ${why}\n`);
  if (waiting.length > 0) t.log.write(`# what it was still doing:\n${waiting.map((l) => `#   ${l}\n`).join('')}`);
  // The journal, written when the boot timed out, ends there; the console goes on to the shutdown.
  const journal = boot.journal ? await fileTail(boot.journal, TAIL_LINES) : undefined;
  const file = journal?.length ? boot.journal! : boot.consoleLog;
  const tail = journal?.length ? journal : ((await fileTail(boot.consoleLog, TAIL_LINES)) ?? []);
  t.log.write(`# the last lines of its ${journal?.length ? 'journal' : 'console'} (${file}):\n`);
  for (const line of tail) t.log.write(`#   ${plainText(line)}\n`);
  return {
    status: r.boot!.timedOut ? 'error' : r.aborted ? 'cancelled' : r.timedOut ? 'timed-out' : 'error',
    exitCode: null,
    signal: r.signal,
    durationMs: r.durationMs,
    steps: [],
    message: why,
  };
}

/** Why a system cell's system never came up, in one line: its cell's message, a service's, a shell's error. */
export function whyNotUp(boot: CellBoot, r: NonNullable<CellRunResult['boot']>): string {
  const state = (r.ready ?? '').trim().split('\n')[0];
  if (r.timedOut)
    return (
      `its system did not come up in ${formatDuration(boot.timeoutMs)} (boot_timeout)` +
      (state ? `: the last check said "${state}"` : '')
    );
  if (r.initExit !== undefined)
    return `its init (${boot.init.join(' ')}) exited with status ${r.initExit} before the system was up`;
  return 'it was stopped before its system was up';
}

/** A console line without its colours and carriage returns. */
export function plainText(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/[\r\0]/g, '');
}

function runCellFor(t: TestPhase, clock: StepClock, signal: AbortSignal): Promise<CellRunResult> {
  const output = t.output ?? t.log;
  return runCell(
    t.ground.runtime,
    cellSpec(t.ground, {
      ...t.command,
      args: stepArgs(t.shell, 'vmatrix-test', t.steps),
      stdout: output,
      stderr: output,
      onControl: clock.onLine,
      signal,
    }),
  );
}

/**
 * A step that succeeded despite an OOM kill (it handled its child's death) passed; one that failed after one
 * was oom-killed.
 */
export function statusOf(r: CellRunResult): CellStatus {
  if (r.aborted) return 'cancelled';
  if (r.timedOut) return 'timed-out';
  if (r.exitCode === 0) return 'passed';
  return r.oomKilled ? 'oom-killed' : 'failed';
}

/** Opens a cell's log file, creating its directory. */
/** A log's first write error: kept, so a full disk ends the cell's log instead of crashing the process. */
const logErrors = new WeakMap<WriteStream, Error>();

export async function openLog(path: string): Promise<WriteStream> {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: 'a' });
  stream.on('error', (e) => {
    if (!logErrors.has(stream)) logErrors.set(stream, e);
  });
  await once(stream, 'open');
  return stream;
}

/** Closes a log; throws (an environment error naming the file) when a write to it failed. */
export async function closeLog(stream: WriteStream): Promise<void> {
  if (!stream.closed) {
    stream.end();
    await once(stream, 'close').catch(() => {}); // an error is in logErrors
  }
  const failed = logErrors.get(stream);
  if (failed) {
    throw envError('LOG_WRITE_FAILED', `could not write the cell log ${String(stream.path)}: ${failed.message}`, {
      cause: failed,
      hint: 'free space on that filesystem, or write the run elsewhere with --output DIR',
    });
  }
}

/**
 * Appends another log (the shared setup log) to a cell's log, so each cell's log tells its whole story;
 * streamed, as it is as large as the project's setup made it.
 */
export async function appendFileTo(stream: WriteStream, path: string): Promise<void> {
  let last: number | undefined;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      last = chunk.at(-1);
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
  } catch {
    // No setup log (it was never written): nothing to append.
  }
  if (last !== undefined && last !== 0x0a) stream.write('\n');
}

/** Where a cell's log goes, relative to its run's directory: `debian-12/build=Debug/log.txt`. */
export function cellLogFile(cell: Cell): string {
  // The id's distro/axes structure becomes directories; values are made safe for a path segment.
  const parts = cell.id.split('/').map((p) => p.replace(/[^A-Za-z0-9._=,+-]/g, '_').replace(/^\.+/, '_'));
  return join(...parts, 'log.txt');
}
