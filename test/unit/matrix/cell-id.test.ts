import { describe, expect, it } from 'vitest';
import { cellId, slugify, uniqueSlugs } from '../../../src/matrix/cell-id.js';

describe('cellId', () => {
  it('is the distro alone without axes', () => {
    expect(cellId('debian-12', {})).toBe('debian-12');
  });

  it('lists axes in the order given', () => {
    expect(cellId('debian-12', { cc: 'gcc', build: 'Debug' })).toBe('debian-12/cc=gcc,build=Debug');
  });
});

describe('slugify', () => {
  it('lower-cases and turns runs of other characters into one dash', () => {
    expect(slugify('debian-12/build=Debug,cc=g++')).toBe('debian-12-build-debug-cc-g');
  });

  it('trims dashes at both ends', () => {
    expect(slugify('_Alpine 3.20_/x=..')).toBe('alpine-3-20-x');
  });

  it('keeps at most 63 characters and never ends in a dash after cutting', () => {
    // 'd-' + 60 × 'a' + '-' is 63 characters: the cut leaves a dash, which must go.
    const slug = slugify(`d/${'a'.repeat(60)}=b`);
    expect(slug.length).toBeLessThanOrEqual(63);
    expect(slug).toBe(`d-${'a'.repeat(60)}`);
    expect(slug.endsWith('-')).toBe(false);
  });

  it('falls back to "cell" when nothing usable is left', () => {
    expect(slugify('///')).toBe('cell');
  });
});

describe('uniqueSlugs', () => {
  it('numbers collisions from 2, in order', () => {
    expect(uniqueSlugs(['a/x=B', 'a/x=b', 'a/x=b!', 'other'])).toEqual(['a-x-b', 'a-x-b-2', 'a-x-b-3', 'other']);
  });

  it('stays within 63 characters when numbering long slugs', () => {
    const long = `d/x=${'y'.repeat(80)}`;
    const [first, second] = uniqueSlugs([long, `${long}!`]);
    expect(first).toHaveLength(63);
    expect(second).toHaveLength(63);
    expect(second!.endsWith('-2')).toBe(true);
    expect(second).not.toBe(first);
  });

  it('does not reuse a numbered slug that a later cell would get naturally', () => {
    expect(uniqueSlugs(['x', 'X', 'x-2'])).toEqual(['x', 'x-2', 'x-2-2']);
  });
});
