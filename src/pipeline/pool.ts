// A fixed number of workers take items from a queue. A worker's failure is the worker's business (it
// records a result); the pool only stops handing out items once the signal is aborted. With `ready`, a
// worker takes the first queued item whose inputs are ready (its promise settled, either way), so a cell
// whose image is still downloading never holds a slot that a cell with everything at hand could use; the
// queue's order (slowest first, say) decides among the ready ones. `ready` is called once per item, when the
// pool starts, and the worker is handed what it promised: the one place an item's inputs are asked for.

export async function runPool<T, R = unknown>(
  items: readonly T[],
  jobs: number,
  worker: (item: T, inputs: Promise<R> | undefined) => Promise<void>,
  signal?: AbortSignal,
  ready?: (item: T) => Promise<R>,
): Promise<T[]> {
  const queue = [...items];
  const inputs = new Map<T, Promise<R>>();
  const skipped: T[] = [];
  const settled = new Set<T>();
  let wake: (() => void)[] = [];
  const settle = (item: T) => {
    settled.add(item);
    const waiting = wake;
    wake = [];
    for (const w of waiting) w();
  };
  if (ready)
    for (const item of items) {
      const promise = ready(item);
      inputs.set(item, promise);
      promise.then(
        () => settle(item),
        () => settle(item),
      );
    }
  const onAbort = () => settle(undefined as T);
  signal?.addEventListener('abort', onAbort, { once: true });
  const take = async (): Promise<T | undefined> => {
    for (;;) {
      if (queue.length === 0 || signal?.aborted) return undefined;
      const i = ready ? queue.findIndex((item) => settled.has(item)) : 0;
      if (i >= 0) return queue.splice(i, 1)[0];
      await new Promise<void>((resolve) => wake.push(resolve));
    }
  };
  const next = async (): Promise<void> => {
    for (let item = await take(); item !== undefined; item = await take()) await worker(item, inputs.get(item));
    if (signal?.aborted) skipped.push(...queue.splice(0));
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, next));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return skipped;
}

/** At most `limit` calls of `run` at once; the others wait their turn, in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<V>(fn: () => Promise<V>): Promise<V> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Runs `make` once per key, however many callers ask for it at once or later. */
export class Once<V> {
  private readonly promises = new Map<string, Promise<V>>();

  get(key: string, make: () => Promise<V>): Promise<V> {
    let p = this.promises.get(key);
    if (!p) {
      p = make();
      this.promises.set(key, p);
    }
    return p;
  }
}
