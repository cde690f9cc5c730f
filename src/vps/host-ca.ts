import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

// Certificates the host's administrator added to its trust (Debian and Ubuntu keep them in
// /usr/local/share/ca-certificates: update-ca-certificates(8)), typically the CA of a TLS-inspecting proxy
// that every https connection of the host goes through. A cell's image has only its distro's own CAs, so
// behind such a proxy `npm ci` in a cell fails with SELF_SIGNED_CERT_IN_CHAIN where it works on the host.
// Cells that have a network (the host's, or setup's outbound one: outbound.ts) get those certificates, read-only at
// HOST_CA_IN_CELL (on the cell's
// /dev tmpfs, so that no mount point is ever left in a setup layer), and NODE_EXTRA_CA_CERTS names them.
// They are public certificates: nothing secret crosses. VMATRIX_HOST_CA=off turns this off; VMATRIX_HOST_CA=DIR
// takes them from DIR instead.

export const LOCAL_CA_DIR = '/usr/local/share/ca-certificates';
export const HOST_CA_IN_CELL = '/dev/vmatrix/host-ca.crt';

const MAX_BYTES = 1024 * 1024;
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

async function crtFiles(dir: string, depth = 0): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory() && depth < 2) files.push(...(await crtFiles(path, depth + 1)));
    else if (e.isFile() && e.name.endsWith('.crt')) files.push(path);
  }
  return files;
}

/** The PEM certificates of `dir`'s *.crt files, one after the other, or '' when there are none. */
export async function localCertificates(dir = LOCAL_CA_DIR): Promise<string> {
  const pems: string[] = [];
  let bytes = 0;
  for (const file of await crtFiles(dir)) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const pem of text.match(PEM) ?? []) {
      if ((bytes += pem.length) > MAX_BYTES) return pems.join('\n');
      pems.push(pem);
    }
  }
  return pems.length ? `${pems.join('\n')}\n` : '';
}

let cached: Promise<string> | undefined;

/** The host's added certificates for cells, read once per process; '' when none, or with VMATRIX_HOST_CA=off. */
export function hostCertificates(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const setting = env.VMATRIX_HOST_CA?.trim();
  if (setting === 'off') return Promise.resolve('');
  cached ??= localCertificates(setting || LOCAL_CA_DIR);
  return cached;
}
