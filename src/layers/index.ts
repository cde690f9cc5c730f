// layers/: setup layers — the key a layer is cached under, the view of the project setup may see, building
// a layer by running the recipe in a cell, and reading why a setup failed.
export type { Recipe } from './build.js';
