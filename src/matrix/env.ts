import type { Cell } from './types.js';

/** `cc` → `CC`, `build-type` → `BUILD_TYPE`: the name a shell script can read. */
export function envName(axis: string): string {
  return axis.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * What a cell's steps see of the matrix: each axis as an upper-cased variable, and the distro, arch and cell id.
 * The VMATRIX_ variables come last so that an axis cannot hide them.
 */
export function cellEnv(cell: Cell): Record<string, string> {
  const env: Record<string, string> = {};
  // Not `ARCH`: kernel and other makefiles read it as the arch to build for, spelt their own way.
  for (const [axis, value] of Object.entries(cell.axes)) if (axis !== 'arch') env[envName(axis)] = value;
  env.VMATRIX_DISTRO = cell.distro;
  env.VMATRIX_ARCH = cell.arch;
  env.VMATRIX_CELL = cell.id;
  return env;
}
