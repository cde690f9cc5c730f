import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OutputTap } from '../../../src/cell/output-tap.js';
import { LINE_MAX } from '../../../src/util/tail.js';

describe('OutputTap', () => {
  it('passes the output on unchanged and hands on its lines, batched, the unfinished last one at close', async () => {
    const log = new PassThrough();
    let written = '';
    log.on('data', (d: Buffer) => {
      written += d.toString();
    });
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

  it('keeps 64 KiB of a line without a newline, marks the cut, and still logs every byte', async () => {
    const log = new PassThrough();
    let logged = 0;
    log.on('data', (d: Buffer) => {
      logged += d.length;
    });
    const batches: string[][] = [];
    const tap = new OutputTap(log, (lines) => batches.push(lines), 20);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    // 64 MB in 64 KiB writes: a tap that re-split a growing buffer would take minutes and 100s of MB.
    for (let i = 0; i < 1024; i++) tap.write(chunk);
    tap.write('\nnext\n');
    await new Promise((r) => setTimeout(r, 60));
    tap.close();
    const lines = batches.flat();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${'x'.repeat(LINE_MAX)} … [line cut at 64 KiB]`);
    expect(lines[1]).toBe('next');
    expect(logged).toBe(1024 * chunk.length + 6);
  });

  it('does not split a character whose bytes come in two writes', async () => {
    const batches: string[][] = [];
    const tap = new OutputTap(new PassThrough().resume(), (lines) => batches.push(lines), 5);
    const bytes = Buffer.from('é€\n');
    tap.write(bytes.subarray(0, 1));
    tap.write(bytes.subarray(1, 3));
    tap.write(bytes.subarray(3));
    await new Promise((r) => setTimeout(r, 30));
    tap.close();
    expect(batches.flat()).toEqual(['é€']);
  });
});
