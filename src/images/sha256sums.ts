import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The digest a checksum list gives for `name` (compared by basename). Reads GNU coreutils lines
 * (`<hex>  name`, `<hex> *name`) and BSD ones (`SHA256 (name) = <hex>`).
 */
export function digestFor(sums: string, name: string): string | undefined {
  for (const raw of sums.split('\n')) {
    const line = raw.trim();
    const gnu = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line);
    const bsd = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/.exec(line);
    const [hex, file] = gnu ? [gnu[1], gnu[2]] : bsd ? [bsd[2], bsd[1]] : [];
    if (hex && file && basename(file) === name) return hex.toLowerCase();
  }
  return undefined;
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
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
