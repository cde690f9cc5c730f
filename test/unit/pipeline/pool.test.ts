import { describe, expect, it } from 'vitest';
import { Limiter, Once, runPool } from '../../../src/pipeline/pool.js';

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
    const skipped = await runPool(
      [1, 2, 3, 4],
      1,
      async (n) => {
        ran.push(n);
        if (n === 2) controller.abort();
      },
      controller.signal,
    );
    expect(ran).toEqual([1, 2]);
    expect(skipped).toEqual([3, 4]);
  });

  it("asks for each item's inputs once and hands the worker that very promise", async () => {
    const asked: number[] = [];
    const promises = new Map<number, Promise<string>>();
    const got = new Map<number, Promise<string> | undefined>();
    await runPool(
      [1, 2, 3],
      2,
      async (n, inputs: Promise<string> | undefined) => {
        got.set(n, inputs);
        await inputs;
      },
      undefined,
      (n) => {
        asked.push(n);
        const p = Promise.resolve(`inputs of ${n}`);
        promises.set(n, p);
        return p;
      },
    );
    expect(asked).toEqual([1, 2, 3]);
    for (const n of [1, 2, 3]) expect(got.get(n)).toBe(promises.get(n));
  });
});

describe('Once', () => {
  it('makes a value once per key however many ask at the same time', async () => {
    const once = new Once<number>();
    let calls = 0;
    const make = async () => {
      calls++;
      return 42;
    };
    expect(await Promise.all([once.get('a', make), once.get('a', make), once.get('b', make)])).toEqual([42, 42, 42]);
    expect(calls).toBe(2);
  });
});

describe('runPool with readiness', () => {
  it('takes the first queued item whose inputs are ready, so a slow input never holds a slot', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const started: string[] = [];
    await runPool(
      ['slow', 'a', 'b'],
      1,
      async (item) => {
        started.push(item);
        if (item === 'b') release();
      },
      undefined,
      (item) => (item === 'slow' ? slow : Promise.resolve()),
    );
    expect(started).toEqual(['a', 'b', 'slow']);
  });

  it('keeps the queue order among ready items, and a failed input counts as ready (the worker reports it)', async () => {
    const started: number[] = [];
    await runPool(
      [1, 2, 3],
      1,
      async (n) => {
        started.push(n);
      },
      undefined,
      (n) => (n === 2 ? Promise.reject(new Error('no image')) : Promise.resolve()),
    );
    expect(started).toEqual([1, 2, 3]);
  });

  it('stops waiting for inputs when aborted and returns the items it skipped', async () => {
    const controller = new AbortController();
    const never = new Promise<void>(() => {});
    const pending = runPool(
      [1, 2],
      2,
      async () => {},
      controller.signal,
      () => never,
    );
    controller.abort();
    expect((await pending).sort()).toEqual([1, 2]);
  });
});

describe('Limiter', () => {
  it('runs at most `limit` calls at once, the rest in order', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(n);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });
});
