import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTail, lastLines, LINE_MAX } from '../../../src/util/tail.js';

describe('the end of a log', () => {
  it('shows each line as a terminal leaves it, cut at 64 KiB', () => {
    expect(lastLines('a\nprogress 5%\rprogress 100%\r\nz'.concat('y'.repeat(LINE_MAX + 1), '\n'), 2)).toEqual([
      'progress 100%',
      `z${'y'.repeat(LINE_MAX - 1)} … [line cut at 64 KiB]`,
    ]);
  });

  it('reads only the end of a large file, and says a line was cut at the start of what it read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-tail-'));
    await writeFile(join(dir, 'log.txt'), `${'x'.repeat(10 * 2 ** 20)}\nlast\n`);
    const tail = await fileTail(join(dir, 'log.txt'), 15);
    expect(tail).toHaveLength(2);
    expect(tail![0]).toMatch(/^… x+ … \[line cut at 64 KiB\]$/);
    expect(tail![0]!.length).toBeLessThan(300 * 1024);
    expect(tail![1]).toBe('last');
    expect(await fileTail(join(dir, 'missing.txt'), 15)).toBeUndefined();
  });
});
