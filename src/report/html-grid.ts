import type { CellResult } from '../results/types.js';

// The report's grid: one row per distro, one column per combination of the other axes, both in the
// order the cells come in (matrix order). A column a distro lacks (an `exclude:`) is an empty slot; an
// `include:` that adds an axis makes a column of its own.

export interface GridColumn {
  /** `cc=gcc,build=debug`, as in cell ids; '' for cells without axes. */
  key: string;
  axes: Record<string, string>;
}

export interface GridRow {
  distro: string;
  /** One slot per column: the cells there (one, but a merged run could repeat a cell). */
  slots: CellResult[][];
}

export interface Grid {
  columns: GridColumn[];
  rows: GridRow[];
}

export function axesKey(axes: Record<string, string>): string {
  return Object.entries(axes)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function gridLayout(cells: readonly CellResult[]): Grid {
  const columns = new Map<string, GridColumn>();
  const rows = new Map<string, Map<string, CellResult[]>>();
  for (const cell of cells) {
    const key = axesKey(cell.axes);
    if (!columns.has(key)) columns.set(key, { key, axes: cell.axes });
    const row = rows.get(cell.distro) ?? new Map<string, CellResult[]>();
    rows.set(cell.distro, row);
    row.set(key, [...(row.get(key) ?? []), cell]);
  }
  const keys = [...columns.keys()];
  return {
    columns: [...columns.values()],
    rows: [...rows].map(([distro, row]) => ({ distro, slots: keys.map((k) => row.get(k) ?? []) })),
  };
}
