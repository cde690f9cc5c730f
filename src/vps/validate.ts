import { lstat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { envError, usageError } from '../util/errors.js';
import type { CellResources, CellRunSpec } from './types.js';

// Checks done before anything is created. Paths end up inside overlay mount options, where ',' separates
// options, ':' separates layers and '\' escapes: such paths would inject options, so they are refused.

export const CELL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const OPTION_UNSAFE = /[,:\\\n\0]/;

export function validateSpec(spec: CellRunSpec): void {
  if (!CELL_ID.test(spec.id))
    bad(`cell id "${spec.id}" must be 1-64 of [A-Za-z0-9_.-], starting with a letter or digit`);
  if (!HOSTNAME.test(spec.hostname) || spec.hostname.length > 64)
    bad(`hostname "${spec.hostname}" is not a valid host name`);
  if (spec.lowerdirs.length === 0) bad('a cell needs at least one lower dir (the image root)');
  const { source } = spec;
  const cache = spec.packageCache?.source;
  for (const p of [
    ...spec.lowerdirs,
    spec.dir,
    spec.upper,
    source?.lower,
    ...(source?.layers ?? []),
    source?.upper,
    cache,
  ])
    if (p !== undefined) checkHostPath(p);
  for (const upper of [spec.upper, source?.upper])
    if (upper && isInside(upper, spec.dir)) bad(`upper ${upper} must be outside the cell dir, which is removed`);
  if (cache && (isInside(cache, spec.dir) || spec.lowerdirs.some((l) => isInside(cache, l) || isInside(l, cache))))
    bad(`package cache ${cache} must be apart from the cell's dir and layers`);
  if (spec.args.length === 0) bad('a cell needs a command');
  if (spec.terminal && spec.onControl) bad("a terminal cell has no control channel (its stdio is the terminal's)");
  checkCellPath(spec.cwd, 'cwd');
  if (spec.source) checkCellPath(spec.source.dest, 'source dest');
  if (spec.source?.dest === '/') bad('the source cannot be mounted over the root');
  for (const key of Object.keys(spec.env))
    if (!/^[^=\0]+$/.test(key)) bad(`environment variable name "${key}" is invalid`);
  if (spec.resources) checkResources(spec.resources);
}

function checkResources({ memoryBytes, cpus, pids }: CellResources): void {
  if (memoryBytes !== undefined && !(Number.isSafeInteger(memoryBytes) && memoryBytes > 0))
    bad(`memory limit ${memoryBytes} must be a positive number of bytes`);
  if (cpus !== undefined && !(Number.isFinite(cpus) && cpus > 0))
    bad(`cpu limit ${cpus} must be a positive number of CPUs`);
  if (pids !== undefined && !(Number.isSafeInteger(pids) && pids > 0))
    bad(`pids limit ${pids} must be a positive integer`);
}

function checkHostPath(p: string): void {
  if (!isAbsolute(p)) bad(`${p} must be an absolute path`);
  if (OPTION_UNSAFE.test(p))
    bad(`${p}: paths of layers and cell dirs cannot contain ',', ':', '\\' or newlines (overlayfs option syntax)`);
}

function checkCellPath(p: string, what: string): void {
  if (!p.startsWith('/') || normalize(p) !== p || p.includes('\0'))
    bad(`${what} "${p}" must be a normalised absolute path`);
}

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function bad(message: string): never {
  throw usageError('BAD_CELL_SPEC', message);
}

/**
 * Each layer must be a directory, and none may have a symlink as /proc, /sys or /dev: that could make the
 * runtime mount over a host path (runc CVE-2023-27561, CVE-2025-31133). Every layer is checked, since any
 * one of them may supply the entry.
 */
export async function checkLayers(layers: string[]): Promise<void> {
  for (const layer of layers) {
    await checkDirectory(layer);
    for (const name of ['proc', 'sys', 'dev']) {
      const st = await lstat(join(layer, name)).catch(() => undefined);
      if (st?.isSymbolicLink()) {
        throw envError(
          'UNSAFE_ROOT',
          `${join(layer, name)} is a symbolic link; a cell root's /${name} must be a directory`,
          {
            hint: 'the image or a setup layer is damaged or hostile: remove it (vmatrix image rm) and fetch it again',
          },
        );
      }
    }
  }
}

export async function checkDirectory(path: string): Promise<void> {
  if (!(await lstat(path).catch(() => undefined))?.isDirectory()) {
    throw envError('LAYER_MISSING', `${path} is not a directory`, {
      hint: 'the store is damaged: run `vmatrix image ls` and fetch the image again',
    });
  }
}
