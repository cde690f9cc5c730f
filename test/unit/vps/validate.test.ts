import { describe, expect, it } from 'vitest';
import type { CellRunSpec } from '../../../src/vps/types.js';
import { isInside, validateSpec } from '../../../src/vps/validate.js';

const ok: CellRunSpec = {
  id: 'vmx-r1-debian-12',
  hostname: 'debian-12',
  lowerdirs: ['/s/images/i/rootfs'],
  dir: '/s/cells/r1/c',
  args: ['true'],
  env: {},
  cwd: '/',
  network: 'none',
  stdout: process.stdout,
  stderr: process.stderr,
};
const bad = (over: Partial<CellRunSpec>) => () => validateSpec({ ...ok, ...over });

describe('validateSpec', () => {
  it('accepts a good spec', () => {
    expect(() => validateSpec(ok)).not.toThrow();
    expect(() =>
      validateSpec({ ...ok, upper: '/s/layers/new/diff', source: { lower: '/s/sources/x', dest: '/src' } }),
    ).not.toThrow();
  });

  it.each(['..', '.', '-x', 'a/b', 'a b', 'x'.repeat(65), ''])('refuses the id %j (it names a cgroup path)', (id) => {
    expect(bad({ id })).toThrow(expect.objectContaining({ code: 'BAD_CELL_SPEC', exit: 2 }));
  });

  it.each(['-a', 'a_b', 'a..b', 'a\nb', ''])('refuses the hostname %j', (hostname) => {
    expect(bad({ hostname })).toThrow(/hostname/);
  });

  it.each(['/a,upperdir=/etc', '/a:b', '/a\\b', 'relative', '/a\nb'])(
    'refuses the layer path %j (overlay option syntax)',
    (p) => {
      expect(bad({ lowerdirs: [p] })).toThrow(/BAD_CELL_SPEC|path/);
      expect(bad({ dir: p })).toThrow();
      expect(bad({ source: { lower: p, dest: '/src' } })).toThrow();
    },
  );

  it('accepts positive limits and refuses others', () => {
    expect(() => validateSpec({ ...ok, resources: { memoryBytes: 2 ** 26, cpus: 0.25, pids: 64 } })).not.toThrow();
    expect(bad({ resources: { memoryBytes: 0 } })).toThrow(/memory limit/);
    expect(bad({ resources: { memoryBytes: 1.5 } })).toThrow(/memory limit/);
    expect(bad({ resources: { cpus: 0 } })).toThrow(/cpu limit/);
    expect(bad({ resources: { cpus: Number.NaN } })).toThrow(/cpu limit/);
    expect(bad({ resources: { pids: -1 } })).toThrow(/pids limit/);
  });

  it('refuses an upper dir inside the cell dir, which is removed', () => {
    expect(bad({ upper: '/s/cells/r1/c/upper' })).toThrow(/outside the cell dir/);
  });

  it('takes a package cache of its own, never one inside the cell dir or a layer, nor a relative one', () => {
    expect(bad({ packageCache: { source: '/s/caches/k/data' } })).not.toThrow();
    expect(bad({ packageCache: { source: '/s/cells/r1/c/cache' } })).toThrow(/apart from the cell's dir/);
    expect(bad({ packageCache: { source: '/s/images/i/rootfs/var' } })).toThrow(/apart from the cell's dir/);
    expect(bad({ packageCache: { source: 'caches/k' } })).toThrow(/absolute path/);
  });

  it('refuses relative or unnormalised cell paths and a source over /', () => {
    expect(bad({ cwd: 'src' })).toThrow(/cwd/);
    expect(bad({ cwd: '/src/../etc' })).toThrow(/cwd/);
    expect(bad({ source: { lower: '/s/x', dest: '/' } })).toThrow(/root/);
    expect(bad({ source: { lower: '/s/x', dest: 'src' } })).toThrow(/source dest/);
  });

  it('refuses no layers, no command, and bad variable names', () => {
    expect(bad({ lowerdirs: [] })).toThrow(/lower dir/);
    expect(bad({ args: [] })).toThrow(/command/);
    expect(bad({ env: { 'A=B': 'x' } })).toThrow(/environment/);
  });
});

describe('isInside', () => {
  it('is true for the dir itself and below, false for siblings with a common prefix', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b/c', '/a/b')).toBe(true);
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/a', '/a/b')).toBe(false);
    expect(isInside('/a/b/../../etc', '/a/b')).toBe(false);
  });
});
