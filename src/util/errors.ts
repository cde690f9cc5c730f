// The one error type of vmatrix. Core code throws it; exactly one boundary (commands/_base.ts) turns it into
// output and an exit code. Expected failures (a cell that fails its test) are results, never errors.

/** 2: the user's input is wrong (flags, vmatrix.yml, an unknown distro). 3: the host or network is. */
export type ErrorExit = 2 | 3;

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class VmError extends Error {
  readonly code: string;
  readonly exit: ErrorExit;
  readonly hint?: string;

  constructor(code: string, exit: ErrorExit, message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'VmError';
    this.code = code;
    this.exit = exit;
    this.hint = options.hint;
  }
}

/** A mistake in what the user gave us: exit 2. */
export function usageError(code: string, message: string, options?: ErrorOptions): VmError {
  return new VmError(code, 2, message, options);
}

/** Something missing or broken on the host or the network: exit 3. */
export function envError(code: string, message: string, options?: ErrorOptions): VmError {
  return new VmError(code, 3, message, options);
}

export function isVmError(e: unknown): e is VmError {
  return e instanceof VmError;
}

/** The message of any thrown value, for logs. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
