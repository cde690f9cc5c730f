import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { envError } from '../util/errors.js';

export interface ProgramStreamOptions {
  /** Piped to the program's stdin. */
  input?: Readable;
  /** A descriptor the program reads as its stdin (a file), instead of `input`. */
  stdin?: number;
  /** Code of the error thrown when the program fails. */
  errorCode?: string;
  /** How messages name the program: `xz -dc`, `mmdebstrap bookworm`. */
  what?: string;
  /** How to install the program when it is missing. */
  missingHint?: string;
  env?: NodeJS.ProcessEnv;
  /** How much of stderr is kept for the error message. */
  stderrBytes?: number;
  /** How the program is stopped when its output is abandoned: SIGTERM lets mmdebstrap unmount and clean up. */
  killSignal?: NodeJS.Signals;
  /** A clearer error for a failure the program's stderr explains (a memory limit), instead of the generic one. */
  explain?: (stderr: string) => Error | undefined;
  /**
   * Start the program in a process group of its own: mmdebstrap tears a failed tarball down with SIGHUP to
   * its whole group, which would otherwise be vmatrix's.
   */
  ownGroup?: boolean;
}

/**
 * The stdout of a host program as a stream that ends only once the program has exited 0. A consumer thus
 * never mistakes the output of a program that failed half-way (a truncated .xz, a mirror that went away)
 * for a complete one: such a stream errors instead, with the tail of the program's stderr.
 */
export function programOutput(cmd: string, args: string[], o: ProgramStreamOptions = {}): Readable {
  const what = o.what ?? cmd;
  const out = new PassThrough();
  const child = spawn(cmd, args, {
    stdio: [o.stdin ?? (o.input ? 'pipe' : 'ignore'), 'pipe', 'pipe'],
    env: o.env,
    ...(o.ownGroup && { detached: true }),
  });
  let stderr = '';
  const keep = o.stderrBytes ?? 8192;
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-keep);
  });
  let settled = false;
  const fail = (e: unknown): void => {
    if (settled) return;
    settled = true;
    child.kill(o.killSignal ?? 'SIGKILL');
    o.input?.destroy();
    // A missing program fails on the next tick, before our caller could have attached an 'error' listener.
    setImmediate(() => out.destroy(e as Error));
  };
  child.on('error', (e: NodeJS.ErrnoException) =>
    fail(
      e.code === 'ENOENT'
        ? envError('PROGRAM_NOT_FOUND', `${cmd} is not installed on this host`, { hint: o.missingHint, cause: e })
        : e,
    ),
  );
  child.stdout!.pipe(out, { end: false });
  child.on('close', (code, signal) => {
    if (settled) return;
    if (code === 0) {
      settled = true;
      out.end();
      return;
    }
    const explained = o.explain?.(stderr);
    if (explained) return fail(explained);
    const tail = stderr.trim() ? `:\n${stderr.trim()}` : '';
    fail(envError(o.errorCode ?? 'PROGRAM_FAILED', `${what} failed (${signal ?? `exit ${code}`})${tail}`));
  });
  if (o.input) {
    o.input.on('error', fail);
    // EPIPE when the program exits early; its exit status says why, so this error adds nothing.
    child.stdin!.on('error', () => {});
    o.input.pipe(child.stdin!);
  }
  // The consumer gave up (an extraction error): stop the program and whatever feeds it.
  out.on('close', () => fail(new Error(`${what}: output closed early`)));
  return out;
}
