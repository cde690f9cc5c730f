import { configDefaults, defineConfig } from 'vitest/config';

// Integration tests mount overlays, start OCI runtimes and build Debian roots: they are slow and share
// the machine's store, so files run one at a time; unit tests are fast either way.
//
// The suites of the hostile world (docs/safety.md) carry tags, so one kind can be run alone:
//   npx vitest run --tags-filter=archives
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Vendored third-party projects bring test files of their own, for their own runners.
    exclude: [...configDefaults.exclude, 'test/realworld/projects/**'],
    fileParallelism: false,
    setupFiles: ['test/helpers/git-env.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    tags: [
      { name: 'safety', description: 'every suite of the hostile world below' },
      {
        name: 'archives',
        description: 'hostile tarballs and OCI layers: nothing escapes the root, nothing partial is kept',
      },
      {
        name: 'network',
        description: 'bad servers: drops, errors, wrong lengths, redirect loops, stalls, bad checksums',
      },
      { name: 'config', description: 'broken and random vmatrix.yml files: exit 2 naming file, line and field' },
      { name: 'killed', description: 'vmatrix killed while pulling, extracting, building and running' },
      { name: 'concurrency', description: 'several vmatrix processes on one project and store' },
      { name: 'full-disk', description: 'the store on a full filesystem' },
      { name: 'isolation', description: 'probes from inside a cell' },
      { name: 'untrusted', description: 'a hostile project: its files, config, git metadata and output' },
      { name: 'realworld', description: 'real third-party projects, configured as the README and `vmatrix init` say' },
      {
        name: 'projects',
        description: 'hostile projects: git config naming programs, symlinked directories, crafted indexes',
      },
    ],
  },
});
