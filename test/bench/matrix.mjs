// Whole runs of `vmatrix test` on busybox projects with a warm store:
// - the warm matrix: 3 distros × 4 configs of `true` (busybox and two copies of its root imported under other
//   names), the whole CLI call, vs the same 12 containers run one after another by the bare runtime (the
//   lifecycle case's baseline), divided by the number of cells vmatrix ran at once;
// - the setup cache: the setup phase of a second run with an unchanged recipe vs that of the first.
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureSteps } from './busybox.mjs';
import { bareRuntime } from './cells.mjs';
import { benchProject, vmatrix, vmatrixTest } from './project.mjs';

const IMPORTED = ['vmx-bench-a', 'vmx-bench-b'];

const MATRIX_YML = `distros: [busybox, ${IMPORTED.join(', ')}]
matrix:
  config: [1, 2, 3, 4]
test: "true"
`;

let fx;
let bare;
let project;

/** Two more distros: copies of the busybox root, told apart by a file so that each is an image of its own. */
async function importCopies(home) {
  for (const name of IMPORTED) {
    const root = join(fx.tmp, name);
    await cp(fx.root, root, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(root, 'etc/vmx-bench-name'), `${name}\n`);
    await vmatrix(['image', 'import', root, '--as', name], { cwd: fx.tmp, home });
  }
}

const warmMatrixCase = {
  name: 'warm matrix',
  description:
    '`vmatrix test` of 3 distros (busybox and two imported copies) × 4 configs of `true`, images cached, the whole CLI call' +
    ' vs the same 12 containers run one by one by the bare runtime on a pre-mounted overlay, ÷ the cells vmatrix ran at once',
  baseline: 'bare sequence ÷ jobs',
  target: 2.0,
  rounds: 5,
  wall: false, // the bare side's own time is its call's ÷ jobs
  ...fixtureSteps(
    'matrix',
    (f) => {
      fx = f;
    },
    async (f, c, beforeRemoval) => {
      bare = await bareRuntime(f);
      beforeRemoval(bare.unmount);
      const home = join(f.tmp, 'store');
      await importCopies(home);
      project = { dir: await benchProject(join(f.tmp, 'project'), { 'vmatrix.yml': MATRIX_YML }), home };
      await vmatrixTest(project.dir, home); // warms the store: builds the busybox image, shifts the ids of all three
      c.description += ` (${f.runtime.name} ${f.runtime.version})`;
    },
  ),
  variants: {
    'vmatrix test': async () => {
      const { result } = await vmatrixTest(project.dir, project.home, ['--offline']);
      if (result.cells.length !== 12) throw new Error(`warm matrix: ${result.cells.length} cells, expected 12`);
      warmMatrixCase.jobs = result.jobs;
      return { run: result.durationMs }; // its own time is the whole call's
    },
    'bare sequence ÷ jobs': async (dir) => {
      const started = performance.now();
      for (let i = 0; i < 12; i++) await bare.run(join(dir, `${i}`));
      // vmatrix's default --jobs; `jobs` is known once its variant has run, which the first round does first.
      return (performance.now() - started) / (warmMatrixCase.jobs ?? 1);
    },
  },
};

// The setup writes 200 small files and 1 MiB into its layer; ROUND (a fresh value per recipe) makes every
// first run's recipe one the store has never seen, since env is part of the layer's key.
const setupYml = (round) => `distros: [busybox]
env:
  ROUND: "${round}"
setup: mkdir -p /opt/bench && for i in $(seq 200); do echo "$i $ROUND" > /opt/bench/$i; done && dd if=/dev/zero of=/opt/bench/blob bs=1024 count=1024 2>/dev/null
test: test -s /opt/bench/200
`;

let recipes = 0;
let cacheFx;

/** The setup phase of a run of a recipe never built before; with `again`, of the run after it, on the same recipe. */
async function setupPhase(again) {
  await writeFile(join(cacheFx.project, 'vmatrix.yml'), setupYml(`${process.pid}-${++recipes}`));
  let { result } = await vmatrixTest(cacheFx.project, cacheFx.home);
  if (again) ({ result } = await vmatrixTest(cacheFx.project, cacheFx.home));
  const cached = result.cells.every((c) => c.setupCached);
  if (cached !== again) throw new Error(`setup cache: setupCached ${cached} on the ${again ? 'second' : 'first'} run`);
  // A cache hit records 0 ms (the key's hashing and lookup are not timed): the run's whole time says more.
  return { ms: Math.max(...result.cells.map((c) => c.phases.setup)), run: result.durationMs };
}

const setupCacheCase = {
  name: 'setup cache',
  description:
    'results.json phases.setup of `vmatrix test` on a busybox recipe whose setup writes 200 files and 1 MiB:' +
    ' the second run (recipe unchanged, layer cached) vs the first (the layer built)',
  baseline: 'first run',
  target: 0.01,
  rounds: 5,
  wall: false, // the second run's call makes two runs
  ...fixtureSteps(
    'setup-cache',
    (f) => {
      cacheFx = f;
    },
    async (f) => {
      f.home = join(f.tmp, 'store');
      f.project = join(f.tmp, 'project');
      await benchProject(f.project, { 'vmatrix.yml': setupYml('warm-up') });
      await vmatrixTest(f.project, f.home); // the image: its build is the image phase, not the setup's
    },
  ),
  variants: {
    'second run': () => setupPhase(true),
    'first run': () => setupPhase(false),
  },
};

export const matrixCases = [warmMatrixCase, setupCacheCase];
