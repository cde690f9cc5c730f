import { describe, expect, it } from 'vitest';
import { describeRunning, findTarget, type CellLike, type RunLike } from '../../../src/processes/target.js';
import { VmError } from '../../../src/util/errors.js';

// What `vmatrix kill NAME` picks among the live runs and their running cells.

const runs: RunLike[] = [
  { id: '20250301-101500-k3x9', pid: 4100, project: '/home/ann/lib' },
  { id: '20250301-101733-p0q2', pid: 4200, project: '/home/ann/app' },
];
const cells: CellLike[] = [
  { run: runs[0]!.id, cell: 'debian-12/cc=gcc', container: 'vmx-4100-0-debian-12-cc-gcc' },
  { run: runs[0]!.id, cell: 'debian-12/cc=clang', container: 'vmx-4100-1-debian-12-cc-clang' },
  { run: runs[1]!.id, cell: 'debian-12/cc=gcc', container: 'vmx-4200-0-debian-12-cc-gcc' },
  { run: runs[1]!.id, cell: 'setup-alpine-3.20', container: 'vmx-layer-0a1b2c3d4e5f6071-4200' },
];

function errorOf(fn: () => unknown): VmError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VmError);
    return e as VmError;
  }
  throw new Error('expected an error');
}

describe('findTarget', () => {
  it('finds a run by its id', () => {
    expect(findTarget('20250301-101733-p0q2', runs, cells)).toEqual({ kind: 'run', run: runs[1] });
  });

  it('finds a cell by its container id, by its cell id when one run has it, and by <run>/<cell id>', () => {
    expect(findTarget('vmx-4200-0-debian-12-cc-gcc', runs, cells)).toEqual({ kind: 'cell', cell: cells[2] });
    expect(findTarget('debian-12/cc=clang', runs, cells)).toEqual({ kind: 'cell', cell: cells[1] });
    expect(findTarget('setup-alpine-3.20', runs, cells)).toEqual({ kind: 'cell', cell: cells[3] });
    expect(findTarget('20250301-101500-k3x9/debian-12/cc=gcc', runs, cells)).toEqual({ kind: 'cell', cell: cells[0] });
  });

  it('refuses a cell id that two runs have, naming both and how to pick one', () => {
    const e = errorOf(() => findTarget('debian-12/cc=gcc', runs, cells));
    expect(e.code).toBe('AMBIGUOUS_TARGET');
    expect(e.exit).toBe(2);
    expect(e.message).toContain('names 2 running cells');
    expect(e.message).toContain('run 20250301-101500-k3x9');
    expect(e.message).toContain('run 20250301-101733-p0q2');
    expect(e.hint).toContain('vmatrix kill 20250301-101500-k3x9/debian-12/cc=gcc');
  });

  it('suggests the closest name and lists what runs when nothing matches', () => {
    const e = errorOf(() => findTarget('debian-12/cc=clagn', runs, cells));
    expect(e.code).toBe('NOT_RUNNING');
    expect(e.exit).toBe(2);
    expect(e.message).toBe('no run or cell called "debian-12/cc=clagn" is running');
    expect(e.hint).toMatch(/^did you mean debian-12\/cc=clang\? running now:\n/);
    expect(e.hint).toContain(
      'run 20250301-101733-p0q2 (vmatrix pid 4200, /home/ann/app): debian-12/cc=gcc [vmx-4200-0-debian-12-cc-gcc]',
    );
    expect(errorOf(() => findTarget('20250301-101500-k3x8', runs, cells)).hint).toMatch(
      /^did you mean 20250301-101500-k3x9\?/,
    );
  });

  it('does not guess: a prefix of a run id or a far-off name matches nothing', () => {
    expect(errorOf(() => findTarget('20250301', runs, cells)).code).toBe('NOT_RUNNING');
    expect(errorOf(() => findTarget('fedora', runs, cells)).hint).toMatch(/^running now:/);
  });

  it('says so when nothing runs at all', () => {
    const e = errorOf(() => findTarget('debian-12/cc=gcc', [], []));
    expect(e.message).toContain('no vmatrix run is using this store');
    expect(e.exit).toBe(2);
  });
});

describe('describeRunning', () => {
  it('shows each run with its cells, a run with none, and a cell of no live run', () => {
    const text = describeRunning(
      [runs[0]!, { id: 'r-idle', pid: 7 }],
      [cells[1]!, { cell: 'setup-debian-12', container: 'vmx-layer-ff-9' }],
    );
    expect(text.split('\n')).toEqual([
      '  run 20250301-101500-k3x9 (vmatrix pid 4100, /home/ann/lib): debian-12/cc=clang [vmx-4100-1-debian-12-cc-clang]',
      '  run r-idle (vmatrix pid 7): no cell running',
      '  setup-debian-12 [vmx-layer-ff-9]',
    ]);
  });
});
