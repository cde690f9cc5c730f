import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputTap } from '../../../src/run/output-tap.js';

describe('OutputTap', () => {
  it('passes the output on unchanged and hands on its lines, batched, the unfinished last one at close', async () => {
    const log = new PassThrough();
    let written = '';
    log.on('data', (d: Buffer) => { written += d.toString(); });
    const batches: string[][] = [];
    const tap = new OutputTap(log, (lines) => batches.push(lines), 20);
    tap.write('one\ntw');
    tap.write('o\nthr');
    await new Promise((r) => setTimeout(r, 60));
    expect(batches).toEqual([['one', 'two']]);
    tap.write('ee');
    await new Promise((r) => setImmediate(r));
    tap.close();
    expect(batches).toEqual([['one', 'two'], ['three']]);
    expect(written).toBe('one\ntwo\nthree');
  });
});
