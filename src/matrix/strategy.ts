import type { Scalar } from '../config/types.js';

// GitHub Actions' `strategy.matrix` expansion, to the letter, so that a matrix copied from a workflow
// means the same thing here. Kept free of distros so the examples of GitHub's docs test it verbatim.

/** One combination: key → value as a string, keys in a stable order (axes, then keys include adds). */
export type Combination = Record<string, string>;

export interface Strategy {
  /** Axis name → values, in the order written. */
  axes: Array<[string, Scalar[]]>;
  include: Array<Record<string, Scalar>>;
  exclude: Array<Record<string, Scalar>>;
}

export interface Expanded {
  values: Combination;
  /** The index of the include entry that created this combination, when it is not from the product. */
  fromInclude?: number;
  /** The indices of the include entries that extended or created it, in order. */
  includes: number[];
}

const strings = (entry: Record<string, Scalar>): Combination =>
  Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, String(v)]));

/** The cartesian product, first axis varying slowest; no axes at all gives no combinations (not one empty one). */
function product(axes: Array<[string, Scalar[]]>): Combination[] {
  if (axes.length === 0) return [];
  return axes.reduce<Combination[]>(
    (combos, [name, values]) => combos.flatMap((c) => values.map((v) => ({ ...c, [name]: String(v) }))),
    [{}],
  );
}

/** An exclude entry only has to match part of a combination to remove it. */
const matchesAll = (combo: Combination, entry: Combination): boolean =>
  Object.entries(entry).every(([k, v]) => combo[k] === v);

export function expandStrategy({ axes, include, exclude }: Strategy): Expanded[] {
  const original = axes.map(([name]) => name);
  const excluded = exclude.map(strings);
  const kept: Expanded[] = product(axes)
    .filter((combo) => !excluded.some((entry) => matchesAll(combo, entry)))
    .map((values) => ({ values, includes: [] }));
  const added: Expanded[] = [];
  include.forEach((raw, index) => {
    const entry = strings(raw);
    // An entry may not overwrite an original axis value; values that earlier includes added are fair game.
    const fits = (c: Expanded): boolean => original.every((k) => !(k in entry) || c.values[k] === entry[k]);
    const targets = kept.filter(fits);
    for (const c of targets) {
      Object.assign(c.values, entry);
      c.includes.push(index);
    }
    if (targets.length === 0) added.push({ values: entry, fromInclude: index, includes: [index] });
  });
  const order = keyOrder(original, include);
  return [...kept, ...added].map((c) => ({ ...c, values: ordered(c.values, order) }));
}

function keyOrder(original: string[], include: Array<Record<string, Scalar>>): string[] {
  const keys = new Set(original);
  for (const entry of include) for (const key of Object.keys(entry)) keys.add(key);
  return [...keys];
}

function ordered(values: Combination, order: string[]): Combination {
  return Object.fromEntries(order.filter((k) => k in values).map((k) => [k, values[k]]));
}
