import { usageError } from '../util/errors.js';
import { closest } from '../util/suggest.js';
import type { Cell } from './types.js';

/**
 * `--cell <id>`: exactly the named cells, in matrix order, each once. Unlike `--only` there are no
 * patterns: a CI job runs the one cell it was given, and an id that names no cell is a mistake.
 */
export function selectCells(cells: Cell[], ids: string[]): Cell[] {
  const known = new Set(cells.map((c) => c.id));
  for (const id of ids) {
    if (known.has(id)) continue;
    const guess = closest(id, known);
    throw usageError(
      'UNKNOWN_CELL',
      `--cell ${id}: no such cell in the matrix (${cells.length} cell${cells.length === 1 ? '' : 's'})`,
      {
        hint: guess
          ? `did you mean "${guess}"?`
          : '`vmatrix matrix` lists the cell ids; --only takes globs and axis=value',
      },
    );
  }
  const wanted = new Set(ids);
  return cells.filter((c) => wanted.has(c.id));
}
