import { describe, expect, it } from 'vitest';
import { fetchedKiB } from '../../bench/apt-log.mjs';

// The package-cache bench reports what apt fetched from the mirror, read from apt's own lines in a setup log.
describe('fetchedKiB', () => {
  it('adds up the Fetched lines of apt-get update and of the install, in SI units', () => {
    const log = [
      'Get:1 http://deb.example/debian bookworm InRelease [151 kB]',
      'Fetched 151 kB in 1s (210 kB/s)',
      'Need to get 64.1 MB of archives.',
      'Fetched 64.1 MB in 3s (21.0 MB/s)',
      'Fetched 512 B in 0s (9,130 B/s)',
    ].join('\n');
    expect(fetchedKiB(log)).toBe(Math.round((151e3 + 64.1e6 + 512) / 1024));
  });

  it('reads a thousands separator, and counts nothing where apt fetched nothing', () => {
    expect(fetchedKiB('Fetched 1,234 kB in 2s (600 kB/s)\n')).toBe(Math.round(1234e3 / 1024));
    expect(fetchedKiB('Reading package lists...\nHit:1 http://deb.example/debian bookworm InRelease\n')).toBe(0);
  });

  it('does not count a line a test or a package printed that only mentions Fetched', () => {
    expect(fetchedKiB('  Fetched 5 MB in 1s\nnot Fetched 9 MB in 1s\n')).toBe(0);
  });
});
