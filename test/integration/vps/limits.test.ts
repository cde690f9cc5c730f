import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, NOTHING_LEFT, run, setupFixture, teardownFixture, uniqueId, type Fixture } from './helpers.js';

// Cgroup limits on a real runtime: the kernel enforces them, and an OOM kill is read from the cell's memory
// cgroup before vmatrix removes it.

const MIB = 2 ** 20;
const GROW = 'x=a; while :; do x="$x$x"; done';

let f: Fixture;
beforeAll(async () => {
  f = await setupFixture();
});
afterAll(async () => {
  await teardownFixture(f);
});

describe('runCell with resources', () => {
  it('reports a cell whose command the kernel killed at the memory limit, and leaves no cgroup behind', async () => {
    const id = uniqueId();
    const r = await run(f, GROW, { id, resources: { memoryBytes: 32 * MIB } });
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', oomKilled: true, timedOut: false });
    expect(await leftovers(id, r.dir)).toEqual(NOTHING_LEFT);
  });

  it('reports an OOM kill of a child even when the command survives it', async () => {
    const r = await run(f, `sh -c '${GROW}'; echo "child: $?"`, { resources: { memoryBytes: 32 * MIB } });
    expect(r).toMatchObject({ exitCode: 0, oomKilled: true, stdout: 'child: 137\n' });
  });

  it('does not report one where nothing ran out of memory', async () => {
    const r = await run(f, 'head -c 8m /dev/zero | wc -c', { resources: { memoryBytes: 32 * MIB } });
    expect(r).toMatchObject({ exitCode: 0, oomKilled: false, stdout: `${8 * MIB}\n` });
  });

  it('refuses a fork past the pids limit', async () => {
    const r = await run(f, 'i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i + 1)); done; echo "all started"', {
      resources: { pids: 16 },
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("can't fork");
    expect(r.stdout).not.toContain('all started');
  });
});
