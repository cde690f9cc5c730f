import { describe, expect, it } from 'vitest';
import { applicable, cellResources } from '../../../src/cell/resources.js';

describe('cellResources', () => {
  it('turns resources: into cell limits, memory in bytes', () => {
    expect(cellResources({ memory: 2 ** 31, cpus: 0.5, pids: 128 })).toEqual({
      memoryBytes: 2 ** 31,
      cpus: 0.5,
      pids: 128,
    });
    expect(cellResources({ pids: 64 })).toEqual({ pids: 64 });
  });

  it('gives no limits when none are set', () => {
    expect(cellResources({})).toBeUndefined();
  });
});

describe('applicable', () => {
  it('leaves out the limits this host cannot apply', () => {
    expect(applicable({ memoryBytes: 2 ** 30, pids: 4096, cpus: 1 }, ['memory', 'cpu', 'pids'])).toEqual({
      memoryBytes: 2 ** 30,
      pids: 4096,
      cpus: 1,
    });
    expect(applicable({ memoryBytes: 2 ** 30, pids: 4096 }, ['pids'])).toEqual({ pids: 4096 });
    expect(applicable({ memoryBytes: 2 ** 30, pids: 4096 }, [])).toEqual({});
  });
});
