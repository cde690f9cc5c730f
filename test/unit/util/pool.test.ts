import { describe, expect, it } from 'vitest';
import { eachLimited } from '../../../src/util/pool.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('eachLimited', () => {
  it('runs every item once, never more than the limit at a time', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await eachLimited(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (item, index) => {
        most = Math.max(most, ++running);
        await tick();
        seen.push(item * 100 + index);
        running--;
      },
    );
    expect(most).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i * 101));
  });

  it('takes no item after a failure, and rejects with it once the running ones have ended', async () => {
    let running = 0;
    const started: number[] = [];
    const failure = eachLimited(
      Array.from({ length: 100 }, (_, i) => i),
      3,
      async (item) => {
        started.push(item);
        running++;
        await tick();
        running--;
        if (item === 4) throw new Error('item 4');
      },
    );
    await expect(failure).rejects.toThrow('item 4');
    expect(running).toBe(0);
    expect(started.length).toBeLessThan(10);
  });
});
