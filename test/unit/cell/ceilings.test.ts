import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_PIDS,
  describeCeilings,
  operatorCeilings,
  setupResources,
  testResources,
} from '../../../src/cell/ceilings.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe('operatorCeilings', { tags: ['safety', 'untrusted'] }, () => {
  it('defaults to half the host memory (whole MiB) and 4096 processes', () => {
    expect(operatorCeilings({}, {}, 8 * GiB)).toEqual({ memoryBytes: 4 * GiB, pids: DEFAULT_MAX_PIDS });
    expect(operatorCeilings({}, {}, 3 * GiB + 12345).memoryBytes).toBe(1536 * MiB);
    expect(DEFAULT_MAX_PIDS).toBe(4096);
  });

  it('takes the operator flags before the environment', () => {
    const env = { VMATRIX_MAX_MEMORY: '2g', VMATRIX_MAX_PIDS: '512' };
    expect(operatorCeilings({}, env, 8 * GiB)).toEqual({ memoryBytes: 2 * GiB, pids: 512 });
    expect(operatorCeilings({ maxMemory: '16g', maxPids: 10000 }, env, 8 * GiB)).toEqual({
      memoryBytes: 16 * GiB,
      pids: 10000,
    });
  });

  it('refuses a bad value with exit 2, naming where it came from', () => {
    expect(() => operatorCeilings({}, { VMATRIX_MAX_PIDS: 'many' })).toThrow(
      expect.objectContaining({ exit: 2, message: 'VMATRIX_MAX_PIDS: "many" is not a number of processes' }),
    );
    expect(() => operatorCeilings({}, { VMATRIX_MAX_PIDS: '0' })).toThrow(expect.objectContaining({ exit: 2 }));
    expect(() => operatorCeilings({ maxMemory: 'lots' }, {})).toThrow(
      expect.objectContaining({ exit: 2, message: '--max-memory: "lots" is not a size' }),
    );
  });
});

describe('testResources', { tags: ['safety', 'untrusted'] }, () => {
  const ceilings = { memoryBytes: 4 * GiB, pids: 4096 };

  it('gives a cell the ceilings where vmatrix.yml says nothing, and what it asks where it asks for less', () => {
    expect(testResources({}, ceilings)).toEqual({ memoryBytes: 4 * GiB, pids: 4096 });
    expect(testResources({ memory: GiB, pids: 64, cpus: 2 }, ceilings)).toEqual({
      memoryBytes: GiB,
      pids: 64,
      cpus: 2,
    });
    expect(testResources({ memory: 4 * GiB, pids: 4096 }, ceilings)).toEqual({ memoryBytes: 4 * GiB, pids: 4096 });
  });

  it('refuses with exit 2 a config asking above a ceiling, naming the key, the ceiling and how the operator raises it', () => {
    expect(() => testResources({ memory: 8 * GiB }, ceilings)).toThrow(
      expect.objectContaining({
        code: 'ABOVE_CEILING',
        exit: 2,
        message: "vmatrix.yml: resources.memory is 8.0 GB, above this host's ceiling of 4.0 GB",
        hint: 'lower resources.memory, or have the operator raise the ceiling with --max-memory or VMATRIX_MAX_MEMORY (a size such as 16g)',
      }),
    );
    expect(() => testResources({ pids: 4097 }, ceilings)).toThrow(
      expect.objectContaining({
        code: 'ABOVE_CEILING',
        exit: 2,
        message: "vmatrix.yml: resources.pids is 4097, above this host's ceiling of 4096",
        hint: expect.stringContaining('--max-pids or VMATRIX_MAX_PIDS'),
      }),
    );
  });

  it('gives setup cells the ceilings themselves, and says them in the header', () => {
    expect(setupResources(ceilings)).toEqual({ memoryBytes: 4 * GiB, pids: 4096 });
    expect(describeCeilings(ceilings)).toBe('limits per cell, setup included: 4.0 GB of memory, 4096 processes');
  });
});
