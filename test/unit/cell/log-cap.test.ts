import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { capMarker, LogCap, logCap, settled } from '../../../src/cell/log-cap.js';

describe('LogCap', () => {
  it('passes output on up to the cap, then the marker once, then drops the rest', async () => {
    const log = new PassThrough();
    let text = '';
    log.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const cap = new LogCap(log, 10);
    cap.write('12345');
    cap.write('67890');
    expect(cap.capped).toBe(false);
    cap.write('abc');
    cap.write('def');
    await new Promise((r) => setImmediate(r));
    expect(cap.capped).toBe(true);
    expect(text).toBe(`1234567890${capMarker(10)}`);
    expect(capMarker(10)).toMatch(/^\n# vmatrix: .*VMATRIX_LOG_MAX_SIZE.*\n$/);
  });

  it('reads the cap from VMATRIX_LOG_MAX_SIZE, 256 MB by default, and refuses a bad one', () => {
    expect(logCap({})).toBe(256 * 2 ** 20);
    expect(logCap({ VMATRIX_LOG_MAX_SIZE: '1m' })).toBe(2 ** 20);
    expect(() => logCap({ VMATRIX_LOG_MAX_SIZE: 'lots' })).toThrow(/VMATRIX_LOG_MAX_SIZE: "lots" is not a size/);
  });
});

describe('settled', () => {
  it('resolves once every earlier write has reached the stream below', async () => {
    const log = new PassThrough({ highWaterMark: 1 });
    const chunks: string[] = [];
    const cap = new LogCap(log, 1000);
    cap.write('a'.repeat(10));
    cap.write('b'.repeat(10));
    const done = settled(cap);
    // Nothing reads the log yet: the second write waits for a drain.
    setTimeout(() => log.on('data', (d: Buffer) => chunks.push(d.toString())), 20);
    await done;
    expect(chunks.join('')).toBe(`${'a'.repeat(10)}${'b'.repeat(10)}`);
  });
});
