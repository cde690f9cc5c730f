import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DownloadLine } from '../../../src/report/download-line.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

const MB = 1e6;

describe('DownloadLine', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on a terminal rewrites one line in place, at most 5 times a second, and wipes it on clear', () => {
    vi.useFakeTimers();
    const err = capture();
    const line = new DownloadLine(err.stream, true);
    line.update({ scope: 'debian-12', bytes: 10 * MB, total: 100 * MB, bytesPerSecond: 5 * MB, etaSeconds: 18 });
    line.update({ scope: 'debian-12', bytes: 11 * MB, total: 100 * MB }); // too soon: not drawn
    vi.advanceTimersByTime(250);
    line.update({ scope: 'alpine-3.20', bytes: 1 * MB, total: 4 * MB });
    line.clear();
    expect(err.text().split('\r\x1b[K')).toEqual([
      '',
      'debian-12: 10.0/100.0 MB (10%)  5.0 MB/s  ETA 18.0s',
      'debian-12: 11.0/100.0 MB (11%)  |  alpine-3.20: 1.0/4.0 MB (25%)',
      '',
    ]);
  });

  it('in a log prints a line each 25% or 10 s, never a carriage return', () => {
    vi.useFakeTimers();
    const err = capture();
    const line = new DownloadLine(err.stream, false);
    for (let b = 0; b <= 100; b += 5) line.update({ scope: 'd', bytes: b * MB, total: 100 * MB });
    expect(err.text()).not.toContain('\r');
    expect(
      err
        .text()
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    ).toEqual([
      'd: 25.0/100.0 MB (25%)',
      'd: 50.0/100.0 MB (50%)',
      'd: 75.0/100.0 MB (75%)',
      'd: 100.0/100.0 MB (100%)',
    ]);
    const slow = capture();
    const quiet = new DownloadLine(slow.stream, false);
    quiet.update({ scope: 'x', bytes: 0 });
    quiet.update({ scope: 'x', bytes: 1 * MB });
    vi.advanceTimersByTime(10_001);
    quiet.update({ scope: 'x', bytes: 2 * MB });
    expect(slow.text()).toBe('  x: 2.0 MB\n');
  });
});
