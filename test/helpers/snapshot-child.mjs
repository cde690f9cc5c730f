// Snapshots a project with the built code (dist/), in a process of its own, for the tests that run it under
// limits (`ulimit -n`) or a tracer: node snapshot-child.mjs <project> <store>. Prints the snapshot as JSON.
import { snapshotProject } from '../../dist/source/index.js';
import { Store } from '../../dist/store/index.js';

const [project, home] = process.argv.slice(2);
const store = new Store(home);
await store.init();
console.log(JSON.stringify(await snapshotProject(store, project)));
