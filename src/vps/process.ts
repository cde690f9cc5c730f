import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { CellRunSpec } from './types.js';
import { findNamespaceInit, namespaceGone, type ProcessRef } from './proc.js';

// Runs the launcher, forwards its output, and kills the whole cell on timeout or abort.

export interface LaunchOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

/** The launcher gets a fixed PATH and nothing else of vmatrix's environment. */
const HOST_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };

type Io = Pick<CellRunSpec, 'stdout' | 'stderr' | 'stdin' | 'terminal' | 'onControl' | 'timeoutMs' | 'signal'>;

/**
 * `netnsFd`: an open network namespace the launcher finds at fd 4 (launcher.ts), `usernsFd` the user namespace
 * owning it, at fd 5. `onSpawn` gets the launcher's pid.
 */
export function launch(
  argv: string[],
  io: Io,
  netnsFd?: number,
  onSpawn?: (pid: number) => void,
  usernsFd?: number,
): Promise<LaunchOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // A terminal cell talks to vmatrix's own terminal: the runtime copies between it and the cell's pty.
    const base: StdioOptions = io.terminal
      ? ['inherit', 'inherit', 'inherit']
      : [io.stdin === 'inherit' ? 'inherit' : 'ignore', 'pipe', 'pipe'];
    const ctl = io.onControl ? ['pipe' as const] : [];
    const ns = netnsFd !== undefined ? [netnsFd, ...(usernsFd !== undefined ? [usernsFd] : [])] : [];
    const stdio: StdioOptions = ns.length > 0 ? [...base, ctl[0] ?? 'ignore', ...ns] : [...base, ...ctl];
    const child = spawn(argv[0], argv.slice(1), {
      stdio,
      env: { ...HOST_ENV, ...(io.terminal && process.env.TERM ? { TERM: process.env.TERM } : {}) },
    });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    if (child.stdout) forward(child.stdout, io.stdout);
    if (child.stderr) forward(child.stderr, io.stderr);
    // fd 3 of a spawned child is a socket pair end: Node types it as either direction.
    const control = child.stdio[3] as NodeJS.ReadableStream | null | undefined;
    if (io.onControl && control) readLines(control, io.onControl);
    let stop: 'timeout' | 'abort' | undefined;
    let killed: Promise<ProcessRef | undefined> | undefined;
    const kill = (why: 'timeout' | 'abort') => {
      stop ??= why;
      killed ??= killCell(child);
    };
    const timer = io.timeoutMs !== undefined ? setTimeout(() => kill('timeout'), io.timeoutMs) : undefined;
    const onAbort = () => kill('abort');
    io.signal?.addEventListener('abort', onAbort, { once: true });
    if (io.signal?.aborted) onAbort(); // aborted while the cell dir was being prepared
    const done = () => {
      clearTimeout(timer);
      io.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      done();
      reject(e);
    });
    child.on('close', (code, signal) => {
      done();
      // The launcher's exit is not the namespace's end when we killed it: wait for that too.
      // A launcher that exited with a status finished before our SIGKILL landed: that is its real result.
      const byUs = killed !== undefined && signal === 'SIGKILL';
      void (killed ?? Promise.resolve(undefined))
        .then((init) => (init ? namespaceGone(init) : undefined))
        .then(() => {
          resolve({
            code,
            signal,
            timedOut: byUs && stop === 'timeout',
            aborted: byUs && stop === 'abort',
            durationMs: performance.now() - started,
          });
        });
    });
  });
}

/**
 * Kills unshare, then the PID namespace's init (the runtime), which makes the kernel kill every process of the
 * namespace. (Killing only the init would be enough, but unshare 2.38 then fails to re-raise SIGKILL and
 * prints "sigprocmask unblock failed" into the cell's stderr.) Returns the init, to wait for its end.
 */
async function killCell(child: ChildProcess): Promise<ProcessRef | undefined> {
  const init = await findNamespaceInit(child);
  // A no-op once the launcher has exited, so a recycled pid is never hit.
  child.kill('SIGKILL');
  if (init) {
    try {
      process.kill(init.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return init;
}

/** Copies a child's output to the caller's stream without ending it and without piping (which stacks
 * listeners on a stream shared by many cells). */
function forward(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}

const MAX_CONTROL_LINE = 4096;

/** Calls `onLine` with each line of a stream as it arrives (the last one even without its newline). */
function readLines(from: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    // Announcements are a few bytes: a long unfinished line is not one, and is not kept growing.
    if (rest.length > MAX_CONTROL_LINE) rest = '';
    for (const line of lines) onLine(line);
  });
  from.on('end', () => {
    if (rest) onLine(rest);
  });
}
