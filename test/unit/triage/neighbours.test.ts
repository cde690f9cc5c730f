import { describe, expect, it } from 'vitest';
import { nearestPassing } from '../../../src/triage/neighbours.js';
import { cell } from './fixtures.js';

const failing = cell('debian-11/build=release,std=11', { status: 'failed' });
const ids = (r: ReturnType<typeof nearestPassing>): string[] => r.neighbours.map((n) => `${n.cell.id} (${n.relation})`);

describe('the nearest passing cells', () => {
  it('are the same configuration on other distros (same arch first), then the same distro with fewest axes apart', () => {
    const cells = [
      cell('debian-12/build=release,std=11', { arch: 'arm64' }),
      cell('debian-11/build=debug,std=17'),
      failing,
      cell('debian-11/build=release,std=17', { status: 'failed' }),
      cell('ubuntu-24.04/build=release,std=11'),
      cell('debian-11/build=debug,std=11'),
      cell('fedora-43/build=release,std=11', { status: 'flaky' }),
      cell('alpine-3.22/build=debug,std=11'),
    ];
    const r = nearestPassing(failing, cells);
    expect(ids(r)).toEqual([
      'ubuntu-24.04/build=release,std=11 (other distro)',
      'fedora-43/build=release,std=11 (other distro)',
      'debian-11/build=debug,std=11 (other configuration)',
      'debian-11/build=debug,std=17 (other configuration)',
    ]);
    expect(r.notes).toEqual([]);
  });

  it('take a cell of another arch when none of the same arch passed, and say when a relation has none', () => {
    const cells = [
      failing,
      cell('debian-12/build=release,std=11', { arch: 'arm64' }),
      cell('debian-12/build=debug,std=11'),
    ];
    const r = nearestPassing(failing, cells);
    expect(ids(r)).toEqual(['debian-12/build=release,std=11 (other distro)']);
    expect(r.notes).toEqual(['no other configuration passed on debian-11']);
  });

  it('counts an arch among the axis values that differ', () => {
    const f = cell('debian-12/arch=amd64,cc=gcc', { status: 'failed' });
    const cells = [f, cell('debian-12/arch=arm64,cc=gcc', { arch: 'arm64' }), cell('debian-12/arch=amd64,cc=clang')];
    expect(ids(nearestPassing(f, cells))).toEqual([
      'debian-12/arch=arm64,cc=gcc (other configuration)',
      'debian-12/arch=amd64,cc=clang (other configuration)',
    ]);
  });

  it('are none, with a note, when no cell passed', () => {
    const r = nearestPassing(failing, [failing, cell('debian-12/build=release,std=11', { status: 'failed' })]);
    expect(r.neighbours).toEqual([]);
    expect(r.notes).toEqual(['no cell of the run passed: there is nothing to compare with']);
  });
});
