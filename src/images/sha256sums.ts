import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Every `(file, sha256)` of a checksum list, in order. Reads GNU coreutils lines (`<hex>  name`,
 * `<hex> *name`) and BSD ones (`SHA256 (name) = <hex>`: `sha256sum --tag`, and the `sha256` program of
 * OpenBSD and of Void, whose void-mklive Makefile writes its sha256sum.txt with `sha256 * > sha256sum.txt`:
 * https://github.com/void-linux/void-mklive/blob/master/Makefile; and Fedora's *-CHECKSUM files beside its
 * images, https://dl.fedoraproject.org/pub/fedora/linux/releases/<N>/Container/<arch>/images/, which put a
 * `# <file>: <n> bytes` comment before each line and are clearsigned: their caller reads the signed text
 * only, clearsigned.ts). Other lines are skipped.
 */
export function checksumEntries(sums: string): Array<{ file: string; sha256: string }> {
  const entries: Array<{ file: string; sha256: string }> = [];
  for (const raw of sums.split('\n')) {
    const line = raw.trim();
    const gnu = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line);
    const bsd = /^SHA256 ?\((.+)\) ?= ([0-9a-fA-F]{64})$/.exec(line);
    const [hex, file] = gnu ? [gnu[1], gnu[2]] : bsd ? [bsd[2], bsd[1]] : [];
    if (hex && file) entries.push({ file, sha256: hex.toLowerCase() });
  }
  return entries;
}

/** The digest a checksum list gives for `name` (compared by basename), in either format. */
export function digestFor(sums: string, name: string): string | undefined {
  return checksumEntries(sums).find((e) => basename(e.file) === name)?.sha256;
}

/** The file name a URL downloads as. */
export function urlBasename(url: string): string {
  return decodeURIComponent(basename(new URL(url).pathname));
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `sha256:ABC…` or `abc…` → `abc…`, or undefined when it is not a sha256. */
export function normalizeDigest(digest: string): string | undefined {
  const hex = digest
    .trim()
    .replace(/^sha256:/, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

export function sha256File(path: string): Promise<string> {
  return fileDigest(path, 'sha256');
}

/** The hex digest of a file by a node:crypto algorithm (sha256, sha512). */
export function fileDigest(path: string, algorithm: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

// The same digest in a worker thread. The hashing is synchronous CPU work (createHash().update()); in a
// worker it runs on another core while the main thread extracts the same file (`vmatrix image import`).
// The code is a string (eval), so the bundle needs no separate worker entry point.
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const hash = createHash('sha256');
createReadStream(workerData, { highWaterMark: 1 << 20 })
  .on('data', (d) => hash.update(d))
  .on('error', (e) => parentPort.postMessage({ error: e.message, code: e.code }))
  .on('end', () => parentPort.postMessage({ hex: hash.digest('hex') }));
`;

/** sha256File(path), computed in a worker thread so that it costs the calling thread nothing. */
export function sha256FileInWorker(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: path });
    let settled = false;
    worker.once('message', (m: { hex?: string; error?: string; code?: string }) => {
      settled = true;
      if (m.hex) resolve(m.hex);
      else reject(Object.assign(new Error(`reading ${path}: ${m.error}`), { code: m.code }));
      void worker.terminate();
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the sha256 worker for ${path} exited (${code}) without a digest`));
    });
  });
}
