import { describe, expect, it } from 'vitest';
import { statusOf } from '../../../src/cell/cell.js';
import type { CellRunResult } from '../../../src/vps/index.js';

const result = (over: Partial<CellRunResult>): CellRunResult => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  aborted: false,
  durationMs: 1,
  oomKilled: false,
  ...over,
});

describe('statusOf', () => {
  it('tells passed, failed, timed out and cancelled apart', () => {
    expect(statusOf(result({}))).toBe('passed');
    expect(statusOf(result({ exitCode: 2 }))).toBe('failed');
    expect(statusOf(result({ exitCode: null, signal: 'SIGKILL', timedOut: true }))).toBe('timed-out');
    expect(statusOf(result({ exitCode: null, signal: 'SIGKILL', aborted: true }))).toBe('cancelled');
  });

  it('calls a failure after an OOM kill oom-killed, but not a step that survived its child being killed', () => {
    expect(statusOf(result({ exitCode: null, signal: 'SIGKILL', oomKilled: true }))).toBe('oom-killed');
    expect(statusOf(result({ exitCode: 1, oomKilled: true }))).toBe('oom-killed');
    expect(statusOf(result({ exitCode: 0, oomKilled: true }))).toBe('passed');
    expect(statusOf(result({ exitCode: null, signal: 'SIGKILL', timedOut: true, oomKilled: true }))).toBe('timed-out');
  });
});
