import { describe, expect, it } from 'vitest';
import { cellEnv, envName } from '../../../src/matrix/env.js';

describe('cellEnv', () => {
  it('exports axes upper-cased, plus the distro and the cell id', () => {
    expect(
      cellEnv({
        id: 'debian-12/cc=gcc,build-type=debug',
        slug: 'x',
        distro: 'debian-12',
        arch: 'amd64',
        axes: { cc: 'gcc', 'build-type': 'debug' },
      }),
    ).toEqual({
      CC: 'gcc',
      BUILD_TYPE: 'debug',
      VMATRIX_DISTRO: 'debian-12',
      VMATRIX_ARCH: 'amd64',
      VMATRIX_CELL: 'debian-12/cc=gcc,build-type=debug',
    });
  });

  it('does not let an axis hide the VMATRIX_ variables', () => {
    const env = cellEnv({ id: 'd/vmatrix_cell=x', slug: 'd', distro: 'd', arch: 'amd64', axes: { vmatrix_cell: 'x' } });
    expect(env.VMATRIX_CELL).toBe('d/vmatrix_cell=x');
  });

  it('gives the arch as VMATRIX_ARCH only, never as ARCH, which makefiles read as their own', () => {
    const env = cellEnv({ id: 'd/arch=s390x', slug: 'd-s390x', distro: 'd', arch: 's390x', axes: { arch: 's390x' } });
    expect(env.VMATRIX_ARCH).toBe('s390x');
    expect(env).not.toHaveProperty('ARCH');
  });

  it('maps every non-alphanumeric character to _', () => {
    expect(envName('py.ver-x')).toBe('PY_VER_X');
  });
});
