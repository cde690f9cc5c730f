import { describe, expect, it } from 'vitest';
import { cellResources } from '../../../src/run/resources.js';

describe('cellResources', () => {
  it('turns resources: into cell limits, memory in bytes', () => {
    expect(cellResources({ memory: 2 ** 31, cpus: 0.5, pids: 128 })).toEqual({ memoryBytes: 2 ** 31, cpus: 0.5, pids: 128 });
    expect(cellResources({ pids: 64 })).toEqual({ pids: 64 });
  });

  it('gives no limits when none are set', () => {
    expect(cellResources({})).toBeUndefined();
  });
});
