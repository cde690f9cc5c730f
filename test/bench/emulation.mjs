// What emulation costs: the same compile in a Debian 12 cell of a foreign arch (arm64, s390x: qemu-user through
// binfmt_misc) vs in one of the host's (amd64), each run by `vmatrix run --arch <arch> debian-12 -- …` in a project
// whose setup layer has gcc. The job is `gcc -O2 -c` of a generated C file (structs, loops, a switch: ~2 s of one
// core natively), what a C project's test suite spends its time on. Each side times the compiler alone, between
// lines the cell prints before and after it, so the cell's start (which emulation barely touches) stays out; the
// whole call is recorded too, as `wall`. Information, not a target: the ratio is what a foreign-arch cell costs.
// The roots and their gcc layers, built by mmdebstrap and apt under emulation (minutes each), are built untimed
// by the setup into the store the integration test keeps in the test cache (test/integration/foreign-arch.test.ts
// builds the same layers), so only the first run on a machine pays for them.
import { spawn } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineClock, sink } from './exec.mjs';
import { benchProject } from './project.mjs';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');
const NATIVE = 'amd64';
const FUNCTIONS = 150;
const JOB = 'echo start && gcc -O2 -c job.c -o /tmp/job.o && echo end';

/** A C file of `n` functions, each over a struct of its own: the same text on every run. */
function cSource(n) {
  let text = '#include <stddef.h>\n#include <string.h>\n';
  for (let i = 0; i < n; i++) {
    text += `struct rec${i} { int id; double w[${4 + (i % 5)}]; char name[16]; };
static double score${i}(const struct rec${i} *r, size_t n) {
  double acc = ${i}.0;
  for (size_t k = 0; k < n; k++) {
    for (size_t j = 0; j < sizeof r[k].w / sizeof r[k].w[0]; j++) acc += r[k].w[j] * (double)(j + ${(i % 7) + 1});
    if (strncmp(r[k].name, "x${i}", 4) == 0) acc /= 2;
    switch ((r[k].id + ${i}) % 4) {
    case 0: acc += 1; break;
    case 1: acc *= 1.0001; break;
    case 2: acc -= 0.5; break;
    default: acc = acc > 1e9 ? 0 : acc;
    }
  }
  return acc;
}
double api${i}(const void *p, size_t n) { return score${i}((const struct rec${i} *)p, n)${i > 0 ? ` + api${i - 1}(p, n / 2)` : ''}; }
`;
  }
  return text;
}

let fixture;

/** The project and the store, made once for both cases; the built-in catalog's debian-12 has every arch. */
async function fixtureIn(scratch) {
  if (fixture) return fixture;
  const dir = join(scratch, 'emulation');
  const cache = process.env.VMATRIX_TEST_CACHE ?? '/var/cache/vmatrix-test';
  fixture = {
    env: { VMATRIX_HOME: join(cache, 'store-foreign-arch') },
    // The fixture project's packages (test/fixtures/projects/arch-bugs), so that its layers serve both.
    project: await benchProject(join(dir, 'project'), {
      'vmatrix.yml': 'distros: [debian-12]\npackages: [gcc, make]\ntest: make\n',
      'job.c': cSource(FUNCTIONS),
    }),
    ready: new Set(),
  };
  return fixture;
}

/** `vmatrix run --arch <arch> debian-12 -- sh -c <script>` in the project; its stdout to `stdout`. */
function vmatrixRun(arch, script, stdout) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'run', '--arch', arch, 'debian-12', '--', 'sh', '-c', script], {
      cwd: fixture.project,
      env: { ...process.env, ...fixture.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stdout.pipe(stdout);
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`vmatrix run --arch ${arch}: exit ${code}\n${err}`)),
    );
  });
}

/** A stdout that notes when the start and end lines arrive: the compile's time, on the host's clock. */
function stopwatch() {
  const clock = lineClock();
  const result = () => {
    const ms = clock.elapsed();
    if (ms === undefined) throw new Error(`emulation: unexpected output: ${clock.text()}`);
    return ms;
  };
  return { stream: clock.stream, result };
}

/** Builds what a cell of `arch` stands on (its root and gcc layer), untimed; a host that cannot run it skips. */
async function prepare(arch) {
  if (fixture.ready.has(arch)) return;
  await vmatrixRun(arch, 'gcc --version', sink());
  fixture.ready.add(arch);
}

async function compileIn(arch) {
  const clock = stopwatch();
  await vmatrixRun(arch, JOB, clock.stream);
  return clock.result();
}

function emulationCase(arch) {
  return {
    name: `emulation ${arch}`,
    description:
      `gcc -O2 -c of a generated C file (${FUNCTIONS} functions) in a Debian 12 cell: ${arch} under qemu-user vs ` +
      `${NATIVE} natively, each by \`vmatrix run --arch\`; the compiler's time (information: no target)`,
    baseline: `${NATIVE} cell`,
    rounds: 3,
    async setup(scratch) {
      if (process.arch !== 'x64')
        return `the host is ${process.arch}: the case compares emulated arches with ${NATIVE}`;
      try {
        await fixtureIn(scratch);
        await prepare(NATIVE);
        await prepare(arch);
      } catch (e) {
        return `cannot run ${arch} cells here: ${e.message.split('\n').slice(0, 3).join(' ')}`;
      }
    },
    variants: {
      [`${arch} cell`]: () => compileIn(arch),
      [`${NATIVE} cell`]: () => compileIn(NATIVE),
    },
  };
}

export const emulationCases = ['arm64', 's390x'].map(emulationCase);
