// What a cell had installed, read on the host from its image and setup layer (see types.ts).
export type { CellInventory, Component, InstalledPackage, PackageInventory } from './types.js';
