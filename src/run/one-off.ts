import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { constants } from 'node:os';
import { forArch, loadCatalog } from '../catalog/index.js';
import type { ImageProgress } from '../images/index.js';
import { recordUse, type Store } from '../store/index.js';
import type { Logger } from '../util/log.js';
import { detectRuntime, runCell, sweepCells } from '../vps/index.js';
import { obtainCellImage, resolveDistro } from './imported.js';
import { newRunId } from './test-run.js';

// `vmatrix run debian-12 -- CMD`: one command in a fresh cell of a distro's bare image, output straight
// to the terminal, the command's exit status returned. Nothing of the cell remains afterwards.

export interface OneOffOptions {
  store: Store;
  distro: string;
  args: string[];
  env?: Record<string, string>;
  network?: 'none' | 'host';
  runtime?: string;
  /** The image's architecture; default: the host's. */
  arch?: string;
  log: Logger;
  signal?: AbortSignal;
  /** Use only the store: an image that is not there is an error, not a download. */
  offline?: boolean;
  /** Image progress; by default its messages go to `log`. */
  onProgress?: ImageProgress;
}

export async function runOneOff(o: OneOffOptions): Promise<number> {
  const catalog = forArch(await loadCatalog(), o.arch);
  const distro = await resolveDistro(catalog, o.store, o.distro);
  const runtime = await detectRuntime(o.runtime);
  await o.store.init();
  await Promise.all([o.store.sweep(), sweepCells(o.store.cellsDir())]);
  const image = await obtainCellImage(o.store, distro, { log: o.log, offline: o.offline, onProgress: o.onProgress ?? ((e) => { if (e.message) o.log.info(`${distro.name}: ${e.message}`); }) }, runtime);
  const runId = newRunId();
  const cellsRoot = await o.store.createRunDir(runId);
  await recordUse(cellsRoot, [image.id]);
  try {
    const r = await runCell(runtime, {
      id: `vmx-run-${runId}`, hostname: distro.name, lowerdirs: [image.rootfs], dir: join(cellsRoot, 'cell'),
      args: o.args, env: { VMATRIX_DISTRO: distro.name, ...o.env }, cwd: '/', network: o.network ?? 'none', userns: runtime.userns.map,
      stdout: process.stdout, stderr: process.stderr, signal: o.signal,
    });
    if (r.aborted) return 130; // interrupted, like a shell's Ctrl-C
    if (r.signal) return 128 + (signalNumber(r.signal) ?? 0);
    return r.exitCode ?? 1;
  } finally {
    await rm(cellsRoot, { recursive: true, force: true });
  }
}

function signalNumber(name: string): number | undefined {
  return (constants.signals as Record<string, number>)[name];
}
