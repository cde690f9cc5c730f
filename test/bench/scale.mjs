// N cells of a fixed CPU-bound job, run by `vmatrix test --jobs <CPUs>`, for N in 1, 2, 4, 8, 16: the run's
// time (results.json durationMs) vs the ideal, N × one cell's time ÷ min(N, CPUs), where one cell's time is
// the cell's own durationMs in a run of that single cell made in the same round. Efficiency is ideal ÷
// measured (≥ 0.9 wanted, so the target on measured ÷ ideal is 1 ÷ 0.9); the 16-cell case also notes
// vmatrix's own peak RSS (VmHWM of the CLI's process, polled from /proc while it runs).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fixtureSteps } from './busybox.mjs';
import { benchProject, vmatrixTest } from './project.mjs';

const CPUS = availableParallelism();
// Two sha256sum passes over 64 MiB: ~1 s of one core on a 2-core Xeon VM. The file is made by the setup, so it
// is in the cached layer and every cell reads the same bytes.
const YML = (n) => `distros: [busybox]
matrix:
  n: [${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]
setup: mkdir -p /opt && dd if=/dev/zero of=/opt/input bs=1048576 count=64 2>/dev/null
test: sha256sum /opt/input /opt/input > /dev/null
`;

function scaleCase(n) {
  let fx;
  let last = {};
  const flags = (config) => ['--config', config, '--jobs', String(CPUS), '--offline'];
  const c = {
    name: `scale ${n} cells`,
    description:
      `${n} busybox cells each hashing 2 × 64 MiB with sha256sum, \`vmatrix test --jobs ${CPUS}\`: the run's durationMs` +
      ` vs ${n} × a single cell's durationMs ÷ min(${n}, ${CPUS}) CPUs`,
    baseline: 'ideal',
    target: Number((1 / 0.9).toFixed(3)),
    rounds: 3,
    wall: false, // the ideal side's call runs one cell, not n
    ...fixtureSteps(
      `scale-${n}`,
      (f) => {
        fx = f;
      },
      async (f) => {
        // Fresh figures for each run of the case (a skipped case reports none).
        c.measures = {
          'efficiency (ideal ÷ measured)': { unit: '%', values: [] },
          ...(n === 16 && { 'vmatrix peak RSS': { unit: 'MiB', values: [] } }),
        };
        f.home = join(f.tmp, 'store');
        f.project = await benchProject(join(f.tmp, 'project'), { 'one.yml': YML(1), 'all.yml': YML(n) });
        await vmatrixTest(f.project, f.home, ['--config', 'one.yml']); // the image and the layer, built once
      },
    ),
    variants: {
      'vmatrix test': async () => {
        const { result, peakKiB } = await vmatrixTest(fx.project, fx.home, flags('all.yml'));
        if (result.cells.length !== n || result.summary.failed)
          throw new Error(`scale: ${JSON.stringify(result.summary)}`);
        if (n === 16) c.measures['vmatrix peak RSS'].values.push(peakKiB / 1024);
        return note({ measured: result.durationMs });
      },
      ideal: async () => {
        const { result } = await vmatrixTest(fx.project, fx.home, flags('one.yml'));
        return note({ ideal: (n * result.cells[0].durationMs) / Math.min(n, CPUS) });
      },
    },
  };
  /** Records a side's time; once a round has both, its efficiency. */
  function note(side) {
    last = { ...last, ...side };
    if (last.measured !== undefined && last.ideal !== undefined) {
      c.measures['efficiency (ideal ÷ measured)'].values.push((100 * last.ideal) / last.measured);
      last = {};
    }
    return Object.values(side)[0];
  }
  return c;
}

export const scaleCases = [1, 2, 4, 8, 16].map(scaleCase);
