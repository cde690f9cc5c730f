// Where the benchmarks load vmatrix from: the build in dist/ (`npm run build`), or VMATRIX_BENCH_DIST to
// compare another build of the same sources.
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = process.env.VMATRIX_BENCH_DIST ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');

export function importDist(path) {
  return import(pathToFileURL(resolve(root, path)).href);
}
