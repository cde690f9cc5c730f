// The project snapshot (src/source) of git projects of 2,000, 20,000 and 200,000 small files, as made by
// test/helpers/many-files.mjs (one commit, checked out), each beside `git status` on the same repository:
// - warm: the snapshot of an unchanged project whose snapshot is in the store, what the second `vmatrix test`
//   does (an untimed snapshot first makes sure of that); the target is about git status's time;
// - one file edited: a new snapshot after one file's content changed, the other files linked from the last one;
// - cold: into an empty store, every file copied (the first `vmatrix test` of a project).
// In process, from dist/, as `vmatrix test` calls it; git status is a whole call of the program.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manyFilesRepo, pathOf } from '../helpers/many-files.mjs';
import { importDist } from './dist.mjs';
import { run } from './exec.mjs';

const timed = async (fn) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

function snapshotCase(files) {
  let project;
  let store;
  let home;
  let source;
  let Store;
  let edits = 0;
  const snapshot = async (into) => source.snapshotProject(into, project);
  const expect = (s, reused) => {
    if (s.files !== files || s.reused !== reused) throw new Error(`snapshot of ${files} files: ${JSON.stringify(s)}`);
  };
  return {
    name: `snapshot ${files / 1000}k files`,
    description:
      `the project snapshot of a git project of ${files.toLocaleString('en')} small files, unchanged since its last` +
      ' snapshot (warm), after one file was edited, and into an empty store (cold), vs `git status` on the same repository',
    baseline: 'git status',
    target: 1.2,
    rounds: files >= 200_000 ? 3 : 5,
    wall: false, // the warm variant's call also makes sure the snapshot is there
    async setup(scratch) {
      source = await importDist('source/index.js');
      ({ Store } = await importDist('store/index.js'));
      home = join(scratch, `snapshot-${files}`);
      project = await manyFilesRepo(join(home, 'project'), files);
      store = new Store(join(home, 'store'));
      await store.init();
      expect(await snapshot(store), false);
      await run('git', ['-C', project, 'status']); // the index as a user's git status leaves it
    },
    async teardown() {
      if (home) await rm(home, { recursive: true, force: true });
    },
    variants: {
      'snapshot, warm': async () => {
        await snapshot(store);
        let s;
        const ms = await timed(async () => {
          s = await snapshot(store);
        });
        expect(s, true);
        return ms;
      },
      'git status': () => timed(() => run('git', ['-C', project, 'status'])),
      'snapshot, one file edited': async () => {
        await writeFile(join(project, pathOf(0)), `edited ${++edits}\n`);
        let s;
        const ms = await timed(async () => {
          s = await snapshot(store);
        });
        expect(s, false);
        return ms;
      },
      'snapshot, cold': async (dir) => {
        const empty = new Store(join(dir, 'store'));
        await empty.init();
        let s;
        const ms = await timed(async () => {
          s = await snapshot(empty);
        });
        expect(s, false);
        return ms;
      },
    },
  };
}

export const snapshotCases = [2_000, 20_000, 200_000].map(snapshotCase);
