import { describe, expect, it } from 'vitest';
import { Once, runPool } from '../../../src/run/pool.js';

describe('runPool', () => {
  it('never runs more than `jobs` workers at once and runs every item', async () => {
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5], 2, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      done.push(n);
      active--;
    });
    expect(peak).toBe(2);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('hands out nothing more once aborted and returns what it skipped', async () => {
    const controller = new AbortController();
    const ran: number[] = [];
    const skipped = await runPool([1, 2, 3, 4], 1, async (n) => {
      ran.push(n);
      if (n === 2) controller.abort();
    }, controller.signal);
    expect(ran).toEqual([1, 2]);
    expect(skipped).toEqual([3, 4]);
  });
});

describe('Once', () => {
  it('makes a value once per key however many ask at the same time', async () => {
    const once = new Once<number>();
    let calls = 0;
    const make = async () => { calls++; return 42; };
    expect(await Promise.all([once.get('a', make), once.get('a', make), once.get('b', make)])).toEqual([42, 42, 42]);
    expect(calls).toBe(2);
  });
});
