import type { DistroEntry, SourceSpec } from '../../src/catalog/types.js';
import type { Logger } from '../../src/util/log.js';

/** A catalog entry for tests, with the given image sources. */
export function testDistro(sources: SourceSpec[], name = 'testos-1'): DistroEntry {
  return {
    name,
    family: 'testos',
    release: '1',
    aliases: [],
    description: 'a test distro',
    packageManager: 'none',
    shell: '/bin/sh',
    arch: 'amd64',
    arches: ['amd64'],
    sources,
    file: 'distros/testos.yml',
  };
}

/** A logger that keeps its lines, for assertions. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), debug: () => {} };
}
