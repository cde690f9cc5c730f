import { describe, expect, it } from 'vitest';
import { expandMatrix, type MatrixConfig } from '../../../src/matrix/expand.js';
import { isVmError } from '../../../src/util/errors.js';

const config = (over: Partial<MatrixConfig>): MatrixConfig => ({
  distros: ['debian-12'],
  matrix: {},
  include: [],
  exclude: [],
  ...over,
});
const ids = (c: MatrixConfig, arches?: string[]) => expandMatrix(c, { arches }).map((cell) => cell.id);

function thrown(fn: () => unknown): Error & { code?: string; exit?: number; hint?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('expandMatrix', () => {
  it('gives one cell per distro when there are no axes', () => {
    const cells = expandMatrix(config({ distros: ['debian-11', 'debian-12'] }), { arches: ['amd64'] });
    expect(cells).toEqual([
      { id: 'debian-11', slug: 'debian-11', distro: 'debian-11', arch: 'amd64', axes: {} },
      { id: 'debian-12', slug: 'debian-12', distro: 'debian-12', arch: 'amd64', axes: {} },
    ]);
  });

  it('makes distro the first, slowest-varying axis, then the axes in written order', () => {
    expect(ids(config({ distros: ['d1', 'd2'], matrix: { cc: ['gcc', 'clang'], build: ['debug'] } }))).toEqual([
      'd1/cc=gcc,build=debug',
      'd1/cc=clang,build=debug',
      'd2/cc=gcc,build=debug',
      'd2/cc=clang,build=debug',
    ]);
  });

  it('expands the design example: distro exclude, then a new asan cell from include', () => {
    const cells = expandMatrix({
      distros: ['debian-12', 'alpine-3.20'],
      matrix: { cc: ['gcc', 'clang'], build: ['debug', 'release'] },
      exclude: [{ distro: 'alpine-3.20', cc: 'clang' }],
      include: [{ distro: 'debian-12', cc: 'gcc', build: 'asan' }],
    });
    expect(cells.map((c) => c.id)).toEqual([
      'debian-12/cc=gcc,build=debug',
      'debian-12/cc=gcc,build=release',
      'debian-12/cc=clang,build=debug',
      'debian-12/cc=clang,build=release',
      'alpine-3.20/cc=gcc,build=debug',
      'alpine-3.20/cc=gcc,build=release',
      'debian-12/cc=gcc,build=asan',
    ]);
    expect(cells[4]!.slug).toBe('alpine-3-20-cc-gcc-build-debug');
    expect(cells[6]!.axes).toEqual({ cc: 'gcc', build: 'asan' });
  });

  it('adds include keys to matching cells of one distro, after the matrix axes', () => {
    const cells = expandMatrix(
      config({
        distros: ['d1', 'd2'],
        matrix: { cc: ['gcc'] },
        include: [{ extra: 'yes', distro: 'd2' }],
      }),
    );
    expect(cells.map((c) => c.id)).toEqual(['d1/cc=gcc', 'd2/cc=gcc,extra=yes']);
    expect(Object.keys(cells[1]!.axes)).toEqual(['cc', 'extra']);
  });

  it('rejects a new include cell without a distro, naming the entry', () => {
    const e = thrown(() => expandMatrix(config({ matrix: { cc: ['gcc'] }, include: [{ cc: 'gcc' }, { cc: 'tcc' }] })));
    expect(isVmError(e)).toBe(true);
    expect(e.code).toBe('INCLUDE_WITHOUT_DISTRO');
    expect(e.exit).toBe(2);
    expect(e.message).toBe('include[1]: it matches no cell, so it makes a new one, but it names no distro');
  });

  it('accepts a new include cell for a distro that is not in distros', () => {
    expect(ids(config({ include: [{ distro: 'fedora-41', cc: 'gcc' }] }))).toEqual(['debian-12', 'fedora-41/cc=gcc']);
  });

  it('rejects an exclude key that is no axis, suggesting the closest', () => {
    const e = thrown(() => expandMatrix(config({ matrix: { cc: ['gcc'] }, exclude: [{ cx: 'gcc' }] })));
    expect(e.code).toBe('EXCLUDE_UNKNOWN_KEY');
    expect(e.message).toBe('exclude[0]: "cx" is not an axis of the matrix (axes: distro, arch, cc)');
    expect(e.hint).toBe('did you mean "cc"?');
  });

  it('excludes a whole distro', () => {
    expect(ids(config({ distros: ['a', 'b'], matrix: { x: [1, 2] }, exclude: [{ distro: 'a' }] }))).toEqual([
      'b/x=1',
      'b/x=2',
    ]);
  });

  it('counts identical cells added by two include entries once', () => {
    expect(
      ids(
        config({
          include: [
            { distro: 'x', k: 1 },
            { distro: 'x', k: 1 },
          ],
        }),
      ),
    ).toEqual(['debian-12', 'x/k=1']);
  });

  it('stringifies values in ids and axes', () => {
    const [cell] = expandMatrix(config({ matrix: { debug: [true], node: [18] } }));
    expect(cell).toMatchObject({ id: 'debian-12/debug=true,node=18', axes: { debug: 'true', node: '18' } });
  });

  it('gives cells whose slugs collide distinct slugs', () => {
    const cells = expandMatrix(config({ matrix: { v: ['A', 'a', 'a.'] } }));
    expect(cells.map((c) => c.slug)).toEqual(['debian-12-v-a', 'debian-12-v-a-2', 'debian-12-v-a-3']);
  });
});

describe('expandMatrix: arch, the axis after distro', () => {
  it('keeps the ids a config without arch: always had, with the host arch or the one --arch names', () => {
    expect(ids(config({ matrix: { cc: ['gcc'] } }), ['s390x'])).toEqual(['debian-12/cc=gcc']);
    const [cell] = expandMatrix(config({}), { arches: ['s390x'] });
    expect(cell).toMatchObject({ id: 'debian-12', arch: 's390x', axes: {} });
    expect(expandMatrix(config({}))[0]!.arch).toMatch(/^(amd64|i386|arm64|armhf|ppc64el|s390x|riscv64)$/);
  });

  it('names the arch in every id, right after the distro, when the matrix has more than one', () => {
    const cells = expandMatrix(config({ distros: ['d1', 'd2'], arch: ['amd64', 's390x'], matrix: { cc: ['gcc'] } }));
    expect(cells.map((c) => [c.id, c.arch])).toEqual([
      ['d1/arch=amd64,cc=gcc', 'amd64'],
      ['d1/arch=s390x,cc=gcc', 's390x'],
      ['d2/arch=amd64,cc=gcc', 'amd64'],
      ['d2/arch=s390x,cc=gcc', 's390x'],
    ]);
    expect(cells[1]!.axes).toEqual({ arch: 's390x', cc: 'gcc' });
    expect(cells[1]!.slug).toBe('d1-arch-s390x-cc-gcc');
  });

  it('one arch in arch: names none', () => {
    const [cell] = expandMatrix(config({ arch: ['arm64'] }), { arches: ['amd64'] });
    expect(cell).toMatchObject({ id: 'debian-12', arch: 'arm64', axes: {} });
  });

  it('takes arch in exclude and include, with GitHub semantics', () => {
    const c = config({
      arch: ['amd64', 'i386'],
      matrix: { cc: ['gcc', 'clang'] },
      exclude: [{ arch: 'i386', cc: 'clang' }],
      include: [
        { arch: 'i386', cc: 'gcc', flags: '-m32' },
        { distro: 'debian-12', arch: 's390x', cc: 'gcc' },
      ],
    });
    const cells = expandMatrix(c);
    expect(cells.map((x) => x.id)).toEqual([
      'debian-12/arch=amd64,cc=gcc',
      'debian-12/arch=amd64,cc=clang',
      'debian-12/arch=i386,cc=gcc,flags=-m32',
      'debian-12/arch=s390x,cc=gcc',
    ]);
    expect(cells[3]!.arch).toBe('s390x');
  });

  it('gives a cell include adds without an arch the first of arch:, and names arches once two appear', () => {
    const cells = expandMatrix(
      config({ arch: ['arm64'], include: [{ distro: 'debian-11' }, { distro: 'x', arch: 'i386' }] }),
    );
    expect(cells.map((x) => [x.id, x.arch])).toEqual([
      ['debian-12/arch=arm64', 'arm64'],
      ['debian-11/arch=arm64', 'arm64'],
      ['x/arch=i386', 'i386'],
    ]);
  });
});
