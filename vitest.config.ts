import { defineConfig } from 'vitest/config';

// Integration tests mount overlays, start OCI runtimes and build Debian roots: they are slow and share
// the machine's store, so files run one at a time; unit tests are fast either way.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
