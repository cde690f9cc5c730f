import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cellSpec, stepArgs } from '../../../src/cell/spec.js';
import type { Runtime } from '../../../src/vps/index.js';

// Every cell's runCell spec comes from cellSpec: what the cell stands on plus what it runs.

const MAP = { uid: 100000, gid: 100000, size: 65536 };
const runtime = { name: 'runc', userns: { map: MAP } } as unknown as Runtime;
const out = new PassThrough();
const command = { id: 'vmx-1', hostname: 'h', dir: '/s/cell', args: ['sh'], env: {}, network: 'none' as const };

describe('cellSpec', () => {
  it("puts the project at its workdir, the command's working directory, with the runtime's user namespace", () => {
    const spec = cellSpec(
      { runtime, layers: ['/layer', '/root'], project: { tree: '/snap', workdir: '/src' }, resources: { pids: 9 } },
      { ...command, keep: { upper: '/k/upper', srcUpper: '/k/src' }, stdout: out, stderr: out },
    );
    expect(spec).toMatchObject({
      lowerdirs: ['/layer', '/root'],
      upper: '/k/upper',
      source: { lower: '/snap', dest: '/src', upper: '/k/src' },
      cwd: '/src',
      userns: MAP,
      resources: { pids: 9 },
    });
    expect(spec).not.toHaveProperty('keep');
  });

  it('runs a cell without the project at / and without limits when none are given', () => {
    const spec = cellSpec({ runtime, layers: ['/root'] }, { ...command, stdout: out, stderr: out });
    expect(spec.cwd).toBe('/');
    expect(spec.source).toBeUndefined();
    expect(spec.resources).toBeUndefined();
  });

  it("stacks a kept cell's project writes above the snapshot", () => {
    const spec = cellSpec(
      { runtime, layers: ['/root'], project: { tree: '/snap', workdir: '/w', layers: ['/kept/src-upper'] } },
      { ...command, stdout: out, stderr: out },
    );
    expect(spec.source).toEqual({ lower: '/snap', dest: '/w', layers: ['/kept/src-upper'] });
  });
});

describe('stepArgs', () => {
  it('passes the steps as arguments of the step loop, never as script text', () => {
    const args = stepArgs('/bin/bash', 'vmatrix-test', [{ run: 'make "$x"' }, { run: 'make check' }]);
    expect(args.slice(0, 2)).toEqual(['/bin/bash', '-c']);
    expect(args.slice(3)).toEqual(['vmatrix-test', 'make "$x"', 'make check']);
  });
});
