import { join } from 'node:path';
import { Store } from '../../src/store/index.js';

/** Returns a function that makes a new, initialised Store under `base` at each call (s1, s2, …). */
export function storeMaker(base: string): () => Promise<Store> {
  let n = 0;
  return async () => {
    const store = new Store(join(base, `s${++n}`));
    await store.init();
    return store;
  };
}
