import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Layered roots for the inventory's tests, made in a temp dir at test time: `upper` (a setup layer's diff) over
// `lower` (an image's rootfs), as a cell's overlay stacks them.

export interface Layers {
  tmp: string;
  upper: string;
  lower: string;
  /** Newest first, as readPackageInventory takes them. */
  lowerdirs: string[];
}

export async function makeLayers(): Promise<Layers> {
  const tmp = await mkdtemp(join(tmpdir(), 'vmx-inventory-'));
  const [upper, lower] = [join(tmp, 'upper'), join(tmp, 'lower')];
  await mkdir(upper);
  await mkdir(lower);
  return { tmp, upper, lower, lowerdirs: [upper, lower] };
}

export function removeLayers(l: Layers | undefined): Promise<void> {
  return l ? rm(l.tmp, { recursive: true, force: true }) : Promise.resolve();
}

/** Writes `text` at `path` inside `layer`, making its directories. */
export async function put(layer: string, path: string, text: string | Buffer): Promise<void> {
  const file = join(layer, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
