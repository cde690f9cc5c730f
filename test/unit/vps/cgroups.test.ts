import { describe, expect, it } from 'vitest';
import { missingLimits, supportedLimits } from '../../../src/vps/cgroup-support.js';
import { parseCgroupMountEntries, parseOomKills } from '../../../src/vps/cgroups.js';

// A hybrid host: controllers on v1 hierarchies (cpu and cpuacct sharing one), an empty v2 one beside them.
const HYBRID = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate',
  '',
].join('\n');

const V2 =
  '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n';

describe('parseCgroupMountEntries', () => {
  it('lists each hierarchy with its version and options', () => {
    expect(parseCgroupMountEntries(HYBRID)).toEqual([
      { point: '/sys/fs/cgroup/cpu,cpuacct', version: 1, options: ['rw', 'cpu', 'cpuacct'] },
      { point: '/sys/fs/cgroup/memory', version: 1, options: ['rw', 'memory'] },
      { point: '/sys/fs/cgroup/systemd', version: 1, options: ['rw', 'xattr', 'name=systemd'] },
      { point: '/sys/fs/cgroup/unified', version: 2, options: ['rw', 'nsdelegate'] },
    ]);
    // Optional fields (shared:4) before the separator do not shift anything.
    expect(parseCgroupMountEntries(V2)).toEqual([
      { point: '/sys/fs/cgroup', version: 2, options: ['rw', 'nsdelegate', 'memory_recursiveprot'] },
    ]);
  });
});

describe('supportedLimits', () => {
  it('on v1 and hybrid hosts: the controllers of mounted v1 hierarchies, whatever v2 lists', () => {
    const mounts = parseCgroupMountEntries(HYBRID);
    expect(supportedLimits('hybrid', mounts, 'memory pids')).toEqual(['memory', 'cpu']);
    expect(supportedLimits('v1', mounts, '')).toEqual(['memory', 'cpu']);
  });

  it("on v2: the controllers in the root's cgroup.controllers", () => {
    const mounts = parseCgroupMountEntries(V2);
    expect(supportedLimits('v2', mounts, 'cpuset cpu io memory hugetlb pids rdma misc\n')).toEqual([
      'memory',
      'cpu',
      'pids',
    ]);
    expect(supportedLimits('v2', mounts, 'cpuset io pids\n')).toEqual(['pids']);
    expect(supportedLimits('v2', mounts, '')).toEqual([]);
  });
});

describe('missingLimits', () => {
  it('names the controllers a config asks for that the host lacks', () => {
    expect(missingLimits({ memoryBytes: 1, cpus: 1, pids: 8 }, ['memory', 'cpu', 'pids'])).toEqual([]);
    expect(missingLimits({ memoryBytes: 1, cpus: 1, pids: 8 }, ['cpu'])).toEqual(['memory', 'pids']);
    expect(missingLimits({ cpus: 0.5 }, [])).toEqual(['cpu']);
    expect(missingLimits({}, [])).toEqual([]);
  });
});

describe('parseOomKills', () => {
  it('reads oom_kill from cgroup v1 memory.oom_control', () => {
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n')).toBe(2);
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 0\n')).toBe(0);
  });

  it('reads oom_kill from cgroup v2 memory.events, not oom or oom_group_kill', () => {
    expect(parseOomKills('low 0\nhigh 0\nmax 31\noom 3\noom_kill 1\noom_group_kill 0\n')).toBe(1);
  });

  it('is 0 for a missing or older file (kernels before 4.13 have no oom_kill line)', () => {
    expect(parseOomKills('')).toBe(0);
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\n')).toBe(0);
  });
});
