import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../../src/matrix/expand.js';
import { selectCells } from '../../../src/matrix/select.js';
import { isVmError } from '../../../src/util/errors.js';

const cells = expandMatrix({
  distros: ['debian-12', 'debian-13'],
  matrix: { cc: ['gcc', 'clang'] },
  include: [],
  exclude: [],
});

describe('selectCells (--cell)', () => {
  it('selects exactly the named cells, in matrix order, each once', () => {
    expect(selectCells(cells, ['debian-13/cc=gcc', 'debian-12/cc=clang', 'debian-13/cc=gcc']).map((c) => c.id)).toEqual(
      ['debian-12/cc=clang', 'debian-13/cc=gcc'],
    );
  });

  it('takes ids literally, not as patterns', () => {
    expect(() => selectCells(cells, ['debian-12/*'])).toThrow(/no such cell/);
    expect(() => selectCells(cells, ['debian-12'])).toThrow(/no such cell/);
  });

  it('rejects an unknown id as a usage error and suggests the closest', () => {
    try {
      selectCells(cells, ['debian-12/cc=clnag']);
      expect.unreachable();
    } catch (e) {
      expect(isVmError(e) && e.exit).toBe(2);
      expect((e as Error).message).toContain('--cell debian-12/cc=clnag');
      expect(isVmError(e) && e.hint).toBe('did you mean "debian-12/cc=clang"?');
    }
  });
});
