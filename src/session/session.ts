import { inert } from '../util/inert.js';
import { requireHostNetworkAllowed } from '../cell/host-network.js';
import { access, mkdir, readlink, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { findKept } from '../cell/keep.js';
import { eolWarning, forArch, loadCatalog } from '../catalog/index.js';
import type { DistroEntry } from '../catalog/types.js';
import type { ImageProgress } from '../images/index.js';
import { constants } from 'node:os';
import { snapshotProject, snapshotTree } from '../source/index.js';
import type { Store } from '../store/index.js';
import { envError, usageError } from '../util/errors.js';
import { fileTail, TAIL_LINES } from '../util/tail.js';
import { plainText, whyNotUp } from '../cell/cell.js';
import { cellBoot } from '../cell/init.js';
import { bootFor, withInitPackages, type Boot } from '../plan/recipe.js';
import { DEFAULT_BOOT_TIMEOUT } from '../config/normalise.js';
import { ensureLayer, type LayerRef } from '../layers/build.js';
import { SETUP_TIMEOUT_MS } from '../pipeline/inputs.js';
import type { ImageRef } from '../images/index.js';
import type { Logger } from '../util/log.js';
import { closest } from '../util/suggest.js';
import {
  archSupports,
  cellRuntime,
  runCell,
  type CellBoot,
  type CellResources,
  type CellRunResult,
  type Runtime,
} from '../vps/index.js';
import { archCannotRun, cellPreparer } from '../pipeline/inputs.js';
import { obtainCellImage, resolveDistro } from '../distro-image/resolve.js';
import { planRun, type CellPlan, type Plan } from '../plan/index.js';
import { cannotSetUp, SetupFailed } from '../layers/failure.js';
import { operatorCeilings } from '../cell/ceilings.js';
import { runLimits } from '../cell/resources.js';
import { sweepStore } from '../processes/sweep.js';
import { newRunId } from '../results/run-id.js';
import { sourceOwner } from '../cell/user.js';
import { cellSpec } from '../cell/index.js';

// `vmatrix shell` and `vmatrix run`: one command (a shell, by default) in exactly one cell's environment
// (its image, its setup layer, the project at the workdir, the matrix variables, the test user), for
// reproducing a failure by hand. With no vmatrix.yml, or for a distro the matrix does not use, it is a bare
// cell of that distro. The cell is removed when the command ends.

export interface SessionOptions {
  store: Store;
  /** A cell id, a distro (name or alias), or nothing for the first cell. */
  target?: string;
  /** --set axis=value: narrows a distro down to one of its cells. */
  sets: Record<string, string>;
  /** vmatrix.yml; when absent (and not given), the shell is a bare distro cell. */
  configPath?: string;
  configGiven?: boolean;
  /** A run kept with `vmatrix test --keep` (an id, or `latest`): the shell opens on what its cell left. */
  keptRun?: string;
  /** What to run instead of a login shell. */
  command?: string[];
  /** Variables added to the cell's (`vmatrix run -e`). */
  env?: Record<string, string>;
  network?: 'none' | 'host';
  /** --allow-host-network: the operator lets a config's `network: host` through (host-network.ts). */
  allowHostNetwork?: boolean;
  /** Network of a bare cell when `network` is not given. */
  bareNetwork: 'none' | 'host';
  /** A terminal session (shell) or a command whose output is copied (run). */
  terminal: boolean;
  signal?: AbortSignal;
  runtime?: string;
  arch?: string;
  offline?: boolean;
  /** `--boot`: the cell boots its init and the command runs in the booted system (as `boot: true` does). */
  boot?: boolean;
  log: Logger;
  onProgress?: ImageProgress;
}

/** A shell that exists in every image: bash where there is one. */
const SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; fi; exec sh -l'];

export async function runSession(o: SessionOptions): Promise<number> {
  if (o.keptRun) return keptSession(o, o.keptRun);
  const configPath =
    o.configPath &&
    (o.configGiven ||
      (await access(o.configPath).then(
        () => true,
        () => false,
      )))
      ? resolve(o.configPath)
      : undefined;
  const plan = configPath
    ? await planRun(configPath, {
        store: o.store,
        arches: o.arch ? [o.arch] : undefined,
        configGiven: o.configGiven,
      })
    : undefined;
  if (plan && o.network === undefined)
    requireHostNetworkAllowed(plan.config.network, o.allowHostNetwork, plan.config.file);
  const cell = plan ? await pickCell(plan, o) : undefined;
  if (!cell && !o.target) {
    throw usageError('NO_TARGET', 'which distro? there is no vmatrix.yml here to take a cell from', {
      hint: 'vmatrix shell debian-12',
    });
  }
  const runtime = await cellRuntime(o.runtime);
  // A shell's cell is under the same ceilings as a test run's (VMATRIX_MAX_MEMORY, VMATRIX_MAX_PIDS).
  const limits = await runLimits(plan?.config.resources ?? {}, operatorCeilings());
  await o.store.init();
  await sweepStore(o.store);
  const runId = newRunId();
  const cellsRoot = await o.store.createRunDir(runId, { project: plan?.projectDir });
  try {
    // What every session's cell has, whatever it stands on.
    const run = { ...sessionIo(o), id: `vmx-${runId}`, dir: join(cellsRoot, 'cell'), args: sessionArgs(o) };
    const what = o.terminal ? 'shell' : 'command';
    if (!plan || !cell) {
      const catalog = plan?.catalog ?? forArch(await loadCatalog(), o.arch);
      const distro = await resolveDistro(catalog, o.store, o.target!);
      const runs = (await archSupports([distro.arch])).get(distro.arch);
      if (runs && !runs.runs) throw archCannotRun(runs);
      warnIfEol(distro, o);
      const image = await obtainCellImage(
        o.store,
        distro,
        { log: o.log, offline: o.offline, onProgress: o.onProgress },
        runtime,
      );
      // A booted bare cell stands on a layer of its init's packages (a minbase root has no init).
      const boot = o.boot ? bootFor(distro, DEFAULT_BOOT_TIMEOUT, distro.name, BARE_BOOT_HINT) : undefined;
      const layer =
        boot && boot.init.packages.length > 0
          ? await initLayer(o, { runtime, image, distro, cellsRoot, resources: limits.setup }, boot)
          : undefined;
      if (o.terminal)
        o.log.info(
          `shell in a bare ${distro.name} cell (image ${image.id}` +
            `${layer && boot ? `, ${boot.init.kind} from layer ${layer.id}` : ''}); it is removed when the shell exits`,
        );
      const ground = {
        runtime,
        layers: [...(layer ? [layer.diff] : []), image.rootfs],
        resources: limits.test,
        arch: distro.arch,
      };
      const booting = boot && (await sessionBoot(boot, cellsRoot, ground.layers));
      const r = await runCell(
        runtime,
        cellSpec(ground, {
          ...run,
          hostname: distro.name,
          env: { ...termEnv(), VMATRIX_DISTRO: distro.name, VMATRIX_ARCH: distro.arch, ...o.env },
          network: o.network ?? o.bareNetwork,
          ...(booting && { boot: booting }),
        }),
      );
      return decodeSessionExit(r, booting);
    }
    warnIfEol(cell.distro, o);
    const snapshot = await snapshotProject(o.store, plan.projectDir, {
      owner: sourceOwner(runtime.userns.map, plan.config.user),
    });
    const sourceTree = snapshotTree(snapshot);
    const prepare = cellPreparer({
      plan,
      store: o.store,
      runtime,
      cellsRoot,
      setupLogDir: join(cellsRoot, 'setup'),
      sourceTree,
      offline: o.offline,
      setupResources: limits.setup,
      arches: await archSupports([cell.distro.arch]),
      onImageProgress: o.onProgress,
      onProgress: (scope, message) => o.log.info(`${scope}: ${message}`),
    });
    // --boot on a cell that does not boot: its recipe gets the init's packages, as a boot cell's has.
    const boot =
      cell.boot ?? (o.boot ? bootFor(cell.distro, plan.config.bootTimeout, cell.id, BARE_BOOT_HINT) : undefined);
    const recipe = boot ? { ...cell.recipe, packages: withInitPackages([...cell.recipe.packages], boot) } : cell.recipe;
    const { image, layer } = await prepare({ ...cell, recipe }).catch(async (e: unknown) => {
      throw e instanceof SetupFailed ? await cannotSetUp(e, cell.cell.distro, o.log) : e;
    });
    o.log.info(
      `${what} in cell ${cell.id} (image ${image.id}${layer ? `, setup layer ${layer.id}` : ''}), ` +
        `project at ${cell.workdir}${o.terminal ? '; what you change is dropped when the shell exits' : ''}`,
    );
    const ground = {
      runtime,
      layers: [...(layer ? [layer.diff] : []), image.rootfs],
      project: { tree: sourceTree, workdir: cell.workdir },
      resources: limits.test,
      arch: cell.distro.arch,
    };
    const booting = boot && (await sessionBoot(boot, cellsRoot, ground.layers));
    const r = await runCell(
      runtime,
      cellSpec(ground, {
        ...run,
        hostname: cell.slug,
        env: { ...termEnv(), ...cell.env, ...o.env },
        network: o.network ?? cell.network,
        user: cell.user,
        ...(booting && { boot: booting }),
      }),
    );
    return decodeSessionExit(r, booting);
  } finally {
    await rm(cellsRoot, { recursive: true, force: true });
  }
}

/** A session on a release past its end of life says so once, on stderr; it runs all the same. */
function warnIfEol(distro: DistroEntry, o: SessionOptions): void {
  const warning = eolWarning(distro, new Date());
  if (warning) o.log.info(`vmatrix: warning: ${inert(warning)}`);
}

/** The terminal's type, which a session's cell inherits. */
function termEnv(): Record<string, string> {
  return process.env.TERM ? { TERM: process.env.TERM } : {};
}

/** A session's cell talks to vmatrix's own terminal or output. */
function sessionIo(o: SessionOptions) {
  return { stdout: process.stdout, stderr: process.stderr, terminal: o.terminal, signal: o.signal };
}

function sessionArgs(o: SessionOptions): string[] {
  return o.command?.length ? o.command : SHELL;
}

/** The cell a target names: a cell id, or a distro narrowed by --set; undefined for a distro outside the matrix. */
async function pickCell(plan: Plan, o: SessionOptions): Promise<CellPlan | undefined> {
  const matchesSets = (c: CellPlan) => Object.entries(o.sets).every(([k, v]) => c.cell.axes[k] === v);
  for (const k of Object.keys(o.sets)) {
    if (!plan.cells.some((c) => k in c.axes)) {
      const axes = [...new Set(plan.cells.flatMap((c) => Object.keys(c.axes)))];
      const near = closest(k, axes);
      throw usageError('UNKNOWN_AXIS', `--set ${k}=…: the matrix has no axis "${k}"`, {
        hint: near ? `did you mean ${near}?` : `axes: ${axes.join(', ') || 'none'}`,
      });
    }
  }
  let candidates: readonly CellPlan[];
  if (o.target === undefined) {
    candidates = plan.cellPlans;
  } else {
    const exact = plan.cellPlans.find((c) => c.id === o.target || c.slug === o.target);
    if (exact) return exact;
    let distro: DistroEntry;
    try {
      distro = await resolveDistro(plan.catalog, o.store, o.target);
    } catch {
      const near = closest(o.target, [...new Set(plan.cells.flatMap((c) => [c.id, c.distro]))]);
      throw usageError('UNKNOWN_CELL', `"${o.target}" is neither a cell of ${plan.config.file} nor a distro`, {
        hint: near
          ? `did you mean ${near}? (vmatrix matrix lists the cells)`
          : 'vmatrix matrix lists the cells; vmatrix distros the distros',
      });
    }
    candidates = plan.cellPlans.filter((c) => c.distro.name === distro.name);
    if (candidates.length === 0) return undefined;
  }
  const chosen = candidates.filter(matchesSets);
  if (chosen.length === 0) {
    throw usageError(
      'NO_SUCH_CELL',
      `no cell${o.target ? ` of ${o.target}` : ''} has ${Object.entries(o.sets)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
      {
        hint: `cells: ${candidates.map((c) => c.id).join(', ')}`,
      },
    );
  }
  if (chosen.length > 1)
    o.log.info(`${chosen.length} cells match; using ${chosen[0].id} (narrow it with --set axis=value or a cell id)`);
  return chosen[0];
}

/** A cell's end as a shell's exit status: 130 when interrupted, 128+n for signal n. */
const BARE_BOOT_HINT = 'leave --boot out: the cell then runs the command without an init';

/** How a session's cell boots: its console goes to its run dir, which goes with it. */
function sessionBoot(boot: Boot, cellsRoot: string, layers: readonly string[]): Promise<CellBoot> {
  return cellBoot(boot.init, boot.timeoutMs, layers, { console: join(cellsRoot, 'boot.log') });
}

/** The setup layer of a bare booted cell: its init's packages, nothing else. */
async function initLayer(
  o: SessionOptions,
  c: { runtime: Runtime; image: ImageRef; distro: DistroEntry; cellsRoot: string; resources?: CellResources },
  boot: Boot,
): Promise<LayerRef> {
  const empty = join(c.cellsRoot, 'no-project');
  await mkdir(empty);
  return ensureLayer({
    store: o.store,
    runtime: c.runtime,
    image: c.image,
    distro: c.distro,
    recipe: { packages: boot.init.packages, setup: [], env: {} },
    sourceTree: empty,
    // Where an empty project is mounted while the packages install: the layer of every project's --boot.
    workdir: '/src',
    logPath: join(c.cellsRoot, 'setup.log'),
    timeoutMs: SETUP_TIMEOUT_MS,
    resources: c.resources,
    onProgress: (message) => o.log.info(`${c.distro.name}: ${message}`),
  }).catch(async (e: unknown) => {
    throw e instanceof SetupFailed ? await cannotSetUp(e, c.distro.name, o.log) : e;
  });
}

/** A session's exit status; a system that never came up is an error naming why, with its console's end. */
async function decodeSessionExit(r: CellRunResult, boot?: CellBoot): Promise<number> {
  if (boot && r.boot && !r.boot.up && !r.aborted) {
    const tail = ((await fileTail(boot.consoleLog, TAIL_LINES)) ?? []).map((l) => `  ${plainText(l)}`).join('\n');
    throw envError(
      'BOOT_FAILED',
      `the cell did not boot: ${whyNotUp(boot, r.boot)}; the end of its console:\n${tail}`,
      {
        hint: 'the same cell without --boot runs the command without an init',
      },
    );
  }
  return decodeShellExit(r);
}

export function decodeShellExit(r: CellRunResult): number {
  if (r.aborted) return 130; // interrupted, like a shell's Ctrl-C
  if (r.signal) return 128 + ((constants.signals as Record<string, number>)[r.signal] ?? 0);
  return r.exitCode ?? 1;
}

/** A shell on a kept cell: its kept writes stacked read-only over what it ran on, in a fresh cell. */
async function keptSession(o: SessionOptions, run: string): Promise<number> {
  const runId = run === 'latest' ? await latestRun(o) : run;
  const { dir, kept } = await findKept(o.store, runId, o.target);
  if (o.network === undefined)
    requireHostNetworkAllowed(kept.network, o.allowHostNetwork, `the kept cell ${kept.cell} of run ${runId}`);
  const runtime = await cellRuntime(o.runtime);
  const runs = kept.arch ? (await archSupports([kept.arch])).get(kept.arch) : undefined;
  if (runs && !runs.runs) throw archCannotRun(runs);
  await o.store.init();
  await sweepStore(o.store);
  const id = newRunId();
  const cellsRoot = await o.store.createRunDir(id, {});
  try {
    o.log.info(
      `${o.terminal ? 'shell' : 'command'} on cell ${kept.cell} as run ${runId} left it (${kept.status}); ` +
        'your changes are dropped when it exits',
    );
    const ground = {
      runtime,
      layers: [join(dir, 'upper'), ...kept.lowerdirs],
      project: { tree: kept.sourceTree, workdir: kept.workdir, layers: [join(dir, 'src-upper')] },
      ...(kept.arch && { arch: kept.arch }),
    };
    const r = await runCell(
      runtime,
      cellSpec(ground, {
        ...sessionIo(o),
        id: `vmx-${id}`,
        hostname: kept.slug,
        dir: join(cellsRoot, 'cell'),
        args: sessionArgs(o),
        env: { ...termEnv(), ...kept.env, ...o.env },
        network: o.network ?? kept.network,
        user: kept.user,
      }),
    );
    return decodeShellExit(r);
  } finally {
    await rm(cellsRoot, { recursive: true, force: true });
  }
}

/** The run `.vmatrix/runs/latest` points at, in the project of the config. */
async function latestRun(o: SessionOptions): Promise<string> {
  const runs = join(dirname(resolve(o.configPath ?? 'vmatrix.yml')), '.vmatrix', 'runs');
  const target = await readlink(join(runs, 'latest')).catch(() => undefined);
  if (!target)
    throw usageError('NO_RUNS', `no run of this project yet (${runs}/latest is missing)`, {
      hint: 'vmatrix test --keep failed, then vmatrix shell --run latest <cell>',
    });
  return target;
}
