import type { CellStatus } from '../results/types.js';

// Colour only for a terminal that wants it (https://no-color.org): CI logs and files stay plain.
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

const CODES = { green: 32, red: 31, yellow: 33, dim: 2, bold: 1 } as const;
export type Tone = keyof typeof CODES;

export function paint(enabled: boolean, tone: Tone, text: string): string {
  return enabled ? `\u001b[${CODES[tone]}m${text}\u001b[0m` : text;
}

export const STATUS_LABEL: Record<CellStatus, { label: string; tone: Tone }> = {
  passed: { label: 'PASS', tone: 'green' },
  flaky: { label: 'FLAKY', tone: 'yellow' },
  failed: { label: 'FAIL', tone: 'red' },
  'timed-out': { label: 'TIME', tone: 'red' },
  'oom-killed': { label: 'OOM ', tone: 'red' },
  error: { label: 'ERR ', tone: 'yellow' },
  cancelled: { label: 'STOP', tone: 'dim' },
};
