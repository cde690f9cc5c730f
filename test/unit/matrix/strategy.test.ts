import { describe, expect, it } from 'vitest';
import { expandStrategy, type Strategy } from '../../../src/matrix/strategy.js';

// The examples of GitHub's docs ("Using a matrix for your jobs"), verbatim, with their documented results.
const values = (s: Strategy) => expandStrategy(s).map((c) => c.values);

describe('expandStrategy: GitHub Actions examples', () => {
  it('expands the fruit/animal example with include exactly as documented', () => {
    const result = values({
      axes: [
        ['fruit', ['apple', 'pear']],
        ['animal', ['cat', 'dog']],
      ],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
      exclude: [],
    });
    expect(result).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
    // Keys keep one order: axes, then include keys by first appearance.
    expect(Object.keys(result[0]!)).toEqual(['fruit', 'animal', 'color', 'shape']);
  });

  it('expands a configuration: windows-latest/16 gets npm 6, the other three are untouched', () => {
    expect(
      values({
        axes: [
          ['os', ['windows-latest', 'ubuntu-latest']],
          ['node', [14, 16]],
        ],
        include: [{ os: 'windows-latest', node: 16, npm: 6 }],
        exclude: [],
      }),
    ).toEqual([
      { os: 'windows-latest', node: '14' },
      { os: 'windows-latest', node: '16', npm: '6' },
      { os: 'ubuntu-latest', node: '14' },
      { os: 'ubuntu-latest', node: '16' },
    ]);
  });

  it('adds a configuration: 9 combinations plus windows-latest/17 make 10 jobs', () => {
    const result = expandStrategy({
      axes: [
        ['os', ['macos-latest', 'windows-latest', 'ubuntu-latest']],
        ['version', [10, 12, 14]],
      ],
      include: [{ os: 'windows-latest', version: 17 }],
      exclude: [],
    });
    expect(result).toHaveLength(10);
    expect(result.at(-1)).toEqual({
      values: { os: 'windows-latest', version: '17' },
      fromInclude: 0,
      includes: [0],
    });
    expect(result.slice(0, 9).every((c) => c.fromInclude === undefined)).toBe(true);
  });

  it('runs every include entry as its own job when there are no axes', () => {
    expect(
      values({
        axes: [],
        include: [
          { site: 'production', datacenter: 'site-a' },
          { site: 'staging', datacenter: 'site-b' },
        ],
        exclude: [],
      }),
    ).toEqual([
      { site: 'production', datacenter: 'site-a' },
      { site: 'staging', datacenter: 'site-b' },
    ]);
  });

  it('excludes on partial matches: 12 combinations minus 1 minus 2 leave 9', () => {
    const result = values({
      axes: [
        ['os', ['macos-latest', 'windows-latest']],
        ['version', [12, 14, 16]],
        ['environment', ['staging', 'production']],
      ],
      include: [],
      exclude: [
        { os: 'macos-latest', version: 12, environment: 'production' },
        { os: 'windows-latest', version: 16 },
      ],
    });
    expect(result).toHaveLength(9);
    expect(result).not.toContainEqual({ os: 'macos-latest', version: '12', environment: 'production' });
    expect(result).toContainEqual({ os: 'macos-latest', version: '12', environment: 'staging' });
    expect(result.filter((c) => c.os === 'windows-latest' && c.version === '16')).toEqual([]);
  });
});

describe('expandStrategy: edge cases', () => {
  it('processes include after exclude, so include can add an excluded combination back', () => {
    expect(
      values({
        axes: [['a', [1, 2]]],
        include: [{ a: 2, extra: 'x' }],
        exclude: [{ a: 2 }],
      }),
    ).toEqual([{ a: '1' }, { a: '2', extra: 'x' }]);
  });

  it('does not extend combinations created by an earlier include', () => {
    const result = expandStrategy({ axes: [['a', [1]]], include: [{ a: 9 }, { a: 9, b: 'y' }], exclude: [] });
    expect(result.map((c) => c.values)).toEqual([{ a: '1' }, { a: '9' }, { a: '9', b: 'y' }]);
    expect(result.map((c) => c.fromInclude)).toEqual([undefined, 0, 1]);
  });

  it('lets a later include overwrite a value an earlier include added, but never an axis value', () => {
    expect(
      values({
        axes: [['a', [1, 2]]],
        include: [{ tag: 'first' }, { a: 1, tag: 'second' }],
        exclude: [],
      }),
    ).toEqual([
      { a: '1', tag: 'second' },
      { a: '2', tag: 'first' },
    ]);
  });

  it('stringifies numbers and booleans', () => {
    expect(
      values({
        axes: [
          ['debug', [true, false]],
          ['n', [0]],
        ],
        include: [],
        exclude: [],
      }),
    ).toEqual([
      { debug: 'true', n: '0' },
      { debug: 'false', n: '0' },
    ]);
  });

  it('ignores an exclude entry that matches nothing', () => {
    expect(values({ axes: [['a', [1, 2]]], include: [], exclude: [{ a: 3 }] })).toEqual([{ a: '1' }, { a: '2' }]);
  });
});
