// A fixed number of workers take items from a queue. A worker's failure is the worker's business (it
// records a result); the pool only stops handing out items once the signal is aborted.

export async function runPool<T>(items: readonly T[], jobs: number, worker: (item: T) => Promise<void>, signal?: AbortSignal): Promise<T[]> {
  const queue = [...items];
  const skipped: T[] = [];
  const next = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      if (signal?.aborted) {
        skipped.push(item, ...queue.splice(0));
        return;
      }
      await worker(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, next));
  return skipped;
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
