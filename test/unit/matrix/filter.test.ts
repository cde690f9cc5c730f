import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../../src/matrix/expand.js';
import { filterCells } from '../../../src/matrix/filter.js';

const cells = expandMatrix({
  distros: ['debian-12', 'debian-13'],
  matrix: { cc: ['gcc', 'clang'], build: ['debug', 'release'] },
  include: [],
  exclude: [],
});
const only = (...patterns: string[]) => filterCells(cells, patterns).map((c) => c.id);

describe('filterCells', () => {
  it('selects a cell by its exact id', () => {
    expect(only('debian-13/cc=clang,build=release')).toEqual(['debian-13/cc=clang,build=release']);
  });

  it('selects by glob over the id', () => {
    expect(only('debian-1*/cc=gcc,*')).toEqual([
      'debian-12/cc=gcc,build=debug',
      'debian-12/cc=gcc,build=release',
      'debian-13/cc=gcc,build=debug',
      'debian-13/cc=gcc,build=release',
    ]);
  });

  it('selects by axis=value and by distro=name', () => {
    expect(only('build=release')).toHaveLength(4);
    expect(only('distro=debian-13')).toHaveLength(4);
    expect(only('distro=debian-13').every((id) => id.startsWith('debian-13/'))).toBe(true);
  });

  it('requires every comma-separated term to hold', () => {
    expect(only('distro=debian-12,cc=clang,build=debug')).toEqual(['debian-12/cc=clang,build=debug']);
  });

  it('selects every cell of a distro by its bare name', () => {
    expect(only('debian-12')).toHaveLength(4);
  });

  it('takes the union of several patterns, in matrix order', () => {
    expect(only('debian-13/cc=gcc,build=debug', 'debian-12/cc=gcc,build=debug')).toEqual([
      'debian-12/cc=gcc,build=debug',
      'debian-13/cc=gcc,build=debug',
    ]);
  });

  it('returns nothing for a pattern that matches nothing', () => {
    expect(only('cc=tcc')).toEqual([]);
    expect(only('nosuch=1')).toEqual([]);
    expect(only('debian-12/cc=gcc')).toEqual([]);
  });

  it('treats regex characters in patterns literally', () => {
    expect(filterCells(expandMatrix({ distros: ['a.b'], matrix: {}, include: [], exclude: [] }), ['a?b'])).toEqual([]);
    expect(filterCells(expandMatrix({ distros: ['axb'], matrix: {}, include: [], exclude: [] }), ['a.*'])).toEqual([]);
  });

  it('returns every cell when there are no patterns', () => {
    expect(filterCells(cells, [])).toBe(cells);
  });
});
