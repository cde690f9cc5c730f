// Progress and diagnostics go to stderr so that stdout stays clean for results (`vmatrix matrix --json`).

export interface Logger {
  info(message: string): void;
  debug(message: string): void;
}

export function stderrLogger(options: { debug?: boolean; quiet?: boolean } = {}): Logger {
  return {
    info: (m) => {
      if (!options.quiet) process.stderr.write(`${m}\n`);
    },
    debug: (m) => {
      if (options.debug) process.stderr.write(`debug: ${m}\n`);
    },
  };
}

export const silentLogger: Logger = { info: () => {}, debug: () => {} };
