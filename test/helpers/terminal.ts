import { spawn, type ChildProcess } from 'node:child_process';

// A program run in a real pseudo-terminal (util-linux `script`), as a user's terminal would run it; the
// test reads everything written to the screen, escape codes included.

export class Terminal {
  screen = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(command: string, cwd: string, env: Record<string, string>, size = { cols: 101, rows: 37 }) {
    this.child = spawn('script', ['-qfec', `stty cols ${size.cols} rows ${size.rows}; exec ${command}`, '/dev/null'], {
      cwd,
      env: { ...process.env, ...env, TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const take = (d: Buffer) => {
      this.screen += d.toString();
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  type(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Waits until the screen, after `from`, matches; returns the match. */
  async waitFor(pattern: RegExp, from = 0, ms = 60_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const m = pattern.exec(this.screen.slice(from));
      if (m) return m[0];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; the screen was:\n${this.screen}`);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

export const shq = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
