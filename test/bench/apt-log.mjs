// What apt says it fetched, read from a setup log: the package-cache case reports it beside its times.

const UNITS = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };

/**
 * What apt fetched from the mirror, in KiB, from its own `Fetched 64.1 MB in 3s (21.0 MB/s)` lines (one for
 * `apt-get update`, one for the install): what the cache saves a user whose link to the mirror is slower than
 * this host's. apt writes sizes in SI units (kB = 1000 B), with a thousands separator in some locales.
 */
export function fetchedKiB(log) {
  let bytes = 0;
  for (const m of log.matchAll(/^Fetched ([\d.,]+) (B|kB|MB|GB) in /gm)) {
    bytes += Number(m[1].replaceAll(',', '')) * UNITS[m[2]];
  }
  return Math.round(bytes / 1024);
}
