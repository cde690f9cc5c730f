import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../../src/util/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and a swap of neighbours as one edit each', () => {
    expect(editDistance('test', 'test')).toBe(0);
    expect(editDistance('tst', 'test')).toBe(1);
    expect(editDistance('tests', 'test')).toBe(1);
    expect(editDistance('tesk', 'test')).toBe(1);
    expect(editDistance('tset', 'test')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closest', () => {
  it('prefers the candidate made of the same characters on a tie', () => {
    expect(closest('debian-21', ['debian-11', 'debian-12', 'debian-13'])).toBe('debian-12');
  });

  it('ignores case', () => {
    expect(closest('TEST', ['distros', 'test'])).toBe('test');
  });

  it('suggests nothing when every candidate is far away', () => {
    expect(closest('foo', ['distros', 'matrix'])).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });
});
