import { describe, expect, it } from 'vitest';
import { describeLimits } from '../../../src/doctor/doctor.js';
import { seccompEnabled } from '../../../src/vps/runtime.js';

describe('describeLimits (the doctor check "cgroup limits")', () => {
  it('is ok when memory, cpus and pids can all be applied', () => {
    expect(describeLimits({ layout: 'hybrid', limits: ['memory', 'cpu', 'pids'], swapLimit: true })).toEqual({
      ok: true,
      detail: 'resources: memory, cpus, pids can be applied (cgroup v1 hierarchies)',
    });
  });

  it('says when swap is not limited with memory', () => {
    expect(describeLimits({ layout: 'v1', limits: ['memory', 'cpu', 'pids'], swapLimit: false }).detail).toContain(
      'swap is not limited with memory',
    );
  });

  it('warns, naming what is missing and how to mount it, on a v1 host', () => {
    const r = describeLimits({ layout: 'v1', limits: ['memory', 'cpu'], swapLimit: true });
    expect(r).toMatchObject({ ok: false, warn: true });
    expect(r.detail).toBe(
      'resources: memory, cpus can be applied; pids cannot (no cgroup v1 hierarchy of the pids controller is mounted): a vmatrix.yml that sets it fails with exit 3',
    );
    expect(r.fix).toBe('mkdir -p /sys/fs/cgroup/pids && mount -t cgroup -o pids cgroup /sys/fs/cgroup/pids');
  });

  it('warns on a v2 host whose root lists none of the controllers', () => {
    const r = describeLimits({ layout: 'v2', limits: [], swapLimit: true });
    expect(r).toMatchObject({ ok: false, warn: true });
    expect(r.detail).toBe(
      'resources: memory, cpus, pids cannot (no memory, cpu or pids controller in /sys/fs/cgroup/cgroup.controllers): a vmatrix.yml that sets it fails with exit 3',
    );
  });
});

describe('seccompEnabled', () => {
  it("reads linux.seccomp.enabled of the runtime's features, and nothing it cannot parse", () => {
    expect(seccompEnabled('{"linux":{"seccomp":{"enabled":true,"actions":["SCMP_ACT_ERRNO"]}}}')).toBe(true);
    expect(seccompEnabled('{"linux":{"seccomp":{"enabled":false}}}')).toBe(false);
    expect(seccompEnabled('{"ociVersionMin":"1.0.0"}')).toBeUndefined();
    expect(seccompEnabled('Incorrect Usage: flag provided but not defined')).toBeUndefined();
  });
});
