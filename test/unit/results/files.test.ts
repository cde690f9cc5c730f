import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastResultsFile, projectDirOf } from '../../../src/results/files.js';
import type { RunResult } from '../../../src/results/types.js';

const result = { project: '/where/it/ran' } as RunResult;

describe("where a results file's logs are", () => {
  it('is the project it sits in, when it is still in .vmatrix/runs/<run-id>/', () => {
    expect(projectDirOf('/home/me/proj/.vmatrix/runs/20261126-1/results.json', result)).toBe('/home/me/proj');
    expect(projectDirOf(lastResultsFile('/home/me/proj'), result)).toBe('/home/me/proj');
  });

  it('is the project the results name, anywhere else', () => {
    expect(projectDirOf('/downloads/shard-1/results.json', result)).toBe('/where/it/ran');
    expect(projectDirOf('/x/runs/1/results.json', result)).toBe('/where/it/ran');
  });

  it("--last reads the project's latest run", () => {
    expect(lastResultsFile('/p')).toBe(join('/p', '.vmatrix', 'runs', 'latest', 'results.json'));
  });
});
