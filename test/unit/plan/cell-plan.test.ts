import { describe, expect, it } from 'vitest';
import type { DistroEntry } from '../../../src/catalog/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { expandMatrix } from '../../../src/matrix/index.js';
import { planCells } from '../../../src/plan/cell-plan.js';
import { USER_ID } from '../../../src/cell/user.js';

// A cell's plan is worked out once from the config: what its task, its setup layer and `vmatrix shell`
// read instead of substituting and mapping again.

const DEBIAN = {
  name: 'debian-12',
  family: 'debian',
  packageManager: 'apt',
  shell: '/bin/sh',
  arch: 'amd64',
} as DistroEntry;

function plans(yaml: string) {
  const config = parseConfig(`distros: [debian-12]\n${yaml}`, 'vmatrix.yml');
  return planCells(config, expandMatrix(config, { arches: ['amd64'] }), new Map([['debian-12@amd64', DEBIAN]]));
}

describe('planCells', () => {
  it("substitutes each cell's steps, artifacts and env, in the order the test phase layers them", () => {
    const [first, second] = plans(
      [
        'matrix: { cc: [gcc, clang] }',
        'user: builder',
        'env: { CC: "${{ matrix.cc }}" }',
        'test: [{ name: "build ${{ matrix.cc }}", run: "make CC=${{ matrix.cc }}" }]',
        'artifacts: ["out/${{ matrix.cc }}/*.log"]',
      ].join('\n'),
    );
    expect(first!.id).toBe('debian-12/cc=gcc');
    expect(second!.index).toBe(1);
    expect(second!.steps.map((s) => [s.name, s.run])).toEqual([['build clang', 'make CC=clang']]);
    expect(second!.artifacts).toEqual(['out/clang/*.log']);
    expect(second!.user).toEqual({ uid: USER_ID, gid: USER_ID });
    expect(second!.env).toMatchObject({ CC: 'clang', HOME: '/home/builder', VMATRIX_DISTRO: 'debian-12' });
    expect(Object.keys(second!.env).slice(0, 2)).toEqual(['CC', 'HOME']);
    expect(second!.logFile).toBe('debian-12/cc=clang/log.txt');
  });

  it('is frozen, so nothing below the plan can change it', () => {
    const [cell] = plans('test: make');
    expect(Object.isFrozen(cell)).toBe(true);
    expect(Object.isFrozen(cell!.recipe)).toBe(true);
    expect(() => Object.assign(cell!, { workdir: '/elsewhere' })).toThrow(TypeError);
  });

  it("keeps a recipe that cannot be worked out as that cell's error, not the plan's", () => {
    const [cell] = plans('test: make\noverrides: { debian-12: { packages: ["${{ matrix.nope }}"] } }');
    expect(cell!.recipeError?.message).toMatch(/matrix.nope/);
  });
});
