import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exists } from '../../../src/util/fs.js';
import { leftovers, NOTHING_LEFT, run, setupFixture, teardownFixture, type Fixture } from './helpers.js';

let f: Fixture;
beforeAll(async () => {
  f = await setupFixture();
});
afterAll(async () => {
  await teardownFixture(f);
});

describe('runCell: a command in a cell', () => {
  it('returns stdout, stderr and exit code 0, and leaves nothing behind', async () => {
    const r = await run(f, 'echo out; echo err >&2');
    expect(r).toMatchObject({
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    expect(r.durationMs).toBeGreaterThan(0);
    expect(await exists(r.dir)).toBe(false);
  });

  it('reports a non-zero exit as a result', async () => {
    expect((await run(f, 'exit 7')).exitCode).toBe(7);
  });

  it('reports a death by signal as the signal', async () => {
    // pid 1 of a PID namespace ignores signals it has no handler for, so the victim is a child shell.
    const r = await run(f, 'sh -c "kill -SEGV \\$\\$"; exit $?');
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGSEGV' });
  });

  it('sets env, defaults PATH/HOME/TERM, and runs in cwd (created if missing)', async () => {
    const r = await run(f, 'echo "$FOO|$PATH|$HOME|$TERM"; pwd', { env: { FOO: 'bar baz' }, cwd: '/build/dir' });
    expect(r.stdout).toBe(
      'bar baz|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/root|xterm\n/build/dir\n',
    );
  });

  it('lets the caller override PATH', async () => {
    expect((await run(f, 'echo $PATH', { env: { PATH: '/bin' } })).stdout).toBe('/bin\n');
  });

  it('sets the hostname and lists it in /etc/hosts', async () => {
    const r = await run(f, 'hostname; grep -c "127.0.0.1.*localhost my-cell" /etc/hosts', { hostname: 'my-cell' });
    expect(r.stdout).toBe('my-cell\n1\n');
  });

  it('has /dev/null and /dev/zero, a read-only /sys and an empty stdin', async () => {
    const r = await run(
      f,
      'head -c 3 /dev/zero | wc -c; echo x > /dev/null && echo null-ok; touch /sys/x 2>/dev/null || echo sys-ro; cat; echo stdin-eof',
    );
    expect(r.stdout).toBe('3\nnull-ok\nsys-ro\nstdin-eof\n');
  });

  it('hands lines written to fd 3 to onControl, apart from the output; without onControl fd 3 is closed', async () => {
    const lines: string[] = [];
    const r = await run(f, 'echo out; echo "start 1" >&3; echo err >&2; printf "end 1 0" >&3', {
      onControl: (l) => lines.push(l),
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(lines).toEqual(['start 1', 'end 1 0']);
    expect((await run(f, 'echo x >&3 2>/dev/null && echo open || echo closed')).stdout).toBe('closed\n');
  });
});

describe('runCell: copy-on-write', () => {
  it('never writes to the lower dir, and two cells see their own writes', async () => {
    const before = await readFile(join(f.root, 'etc/os-release'), 'utf8');
    const [a, b] = await Promise.all([
      run(f, 'echo A > /etc/os-release; echo A > /new; sleep 0.3; cat /etc/os-release /new'),
      run(f, 'echo B > /etc/os-release; echo B > /new; sleep 0.3; cat /etc/os-release /new'),
    ]);
    expect(a.stdout).toBe('A\nA\n');
    expect(b.stdout).toBe('B\nB\n');
    expect(await readFile(join(f.root, 'etc/os-release'), 'utf8')).toBe(before);
    expect(await exists(join(f.root, 'new'))).toBe(false);
  });

  it('stacks layers newest first', async () => {
    const layer = join(f.tmp, 'layer1');
    await mkdir(join(layer, 'etc'), { recursive: true });
    await writeFile(join(layer, 'etc/os-release'), 'from the layer\n');
    const r = await run(f, 'cat /etc/os-release; ls /bin/busybox', { lowerdirs: [layer, f.root] });
    expect(r.stdout).toBe('from the layer\n/bin/busybox\n');
  });

  it('keeps a given upper dir with what the cell wrote', async () => {
    const upper = join(f.tmp, 'kept-upper');
    const r = await run(f, 'mkdir -p /opt && echo setup > /opt/done; rm /etc/os-release', { upper });
    expect(r.exitCode).toBe(0);
    expect(await readFile(join(upper, 'opt/done'), 'utf8')).toBe('setup\n');
    expect(await exists(join(f.root, 'opt'))).toBe(false);
    expect(await exists(r.dir)).toBe(false);
  });

  it('mounts the source copy-on-write: the cell sees it, the host dir never changes', async () => {
    const src = join(f.tmp, 'project');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'Makefile'), 'all:\n');
    const r = await run(f, 'cat /src/Makefile && echo built > /src/out && rm /src/Makefile && ls /src', {
      source: { lower: src, dest: '/src' },
      cwd: '/src',
    });
    expect(r.stdout).toBe('all:\nout\n');
    expect(await readFile(join(src, 'Makefile'), 'utf8')).toBe('all:\n');
    expect(await exists(join(src, 'out'))).toBe(false);
  });
});

describe('runCell: confinement (SAFETY 16-22)', { tags: ['safety', 'isolation'] }, () => {
  it('has NoNewPrivs, the known capability set, empty inheritable and ambient sets', async () => {
    const status = (await run(f, 'cat /proc/self/status')).stdout;
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^CapInh:\s+0{16}$/m);
    expect(status).toMatch(/^CapAmb:\s+0{16}$/m);
    // Docker's default set: chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service
    // net_raw sys_chroot mknod audit_write setfcap.
    expect(status).toMatch(/^CapEff:\s+00000000a80425fb$/m);
    expect(status).toMatch(/^CapBnd:\s+00000000a80425fb$/m);
  });

  it('masks /proc/timer_list, /proc/keys and /proc/acpi, and makes /proc/sys read-only', async () => {
    // (/proc/kcore is masked too, but this kernel has none.) The host's files are not empty:
    expect((await readFile('/proc/timer_list', 'utf8')).length).toBeGreaterThan(0);
    const r = await run(
      f,
      'wc -c < /proc/timer_list; wc -c < /proc/keys; ls /proc/acpi | wc -l; echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo ro',
    );
    expect(r.stdout).toBe('0\n0\n0\nro\n');
  });

  it('has no shared mounts', async () => {
    const r = await run(f, 'cat /proc/self/mountinfo');
    expect(r.stdout).toContain(' / / ');
    expect(r.stdout).not.toContain('shared:');
  });

  it('holds no file descriptor beyond stdio', async () => {
    // ls itself opens one, to read the directory.
    const r = await run(f, 'exec ls /proc/self/fd');
    expect(r.stdout.split('\n').filter(Boolean).map(Number).sort()).toEqual([0, 1, 2, 3]);
  });

  it('cannot see host processes', async () => {
    const r = await run(f, 'ls /proc | grep -c "^[0-9]"');
    expect(Number(r.stdout)).toBeLessThanOrEqual(3);
  });

  it('refuses a root whose /proc is a symlink, before creating anything', async () => {
    const { symlink } = await import('node:fs/promises');
    const layer = join(f.tmp, 'evil-layer');
    await mkdir(layer, { recursive: true });
    await symlink('/proc', join(layer, 'proc'));
    const p = run(f, 'true', { lowerdirs: [layer, f.root], id: 'vmx-evil-proc' });
    await expect(p).rejects.toMatchObject({ code: 'UNSAFE_ROOT' });
    expect(await exists(join(f.cells, 'run', 'vmx-evil-proc'))).toBe(false);
  });

  it('throws an environment error when the runtime cannot start the process, and still cleans up', async () => {
    const id = 'vmx-no-such-program';
    await expect(run(f, '', { id, args: ['/no/such/program'] })).rejects.toMatchObject({
      code: 'CELL_START_FAILED',
      exit: 3,
    });
    expect(await leftovers(id, join(f.cells, 'run', id))).toEqual(NOTHING_LEFT);
  });

  it('refuses a lower dir that does not exist', async () => {
    await expect(run(f, 'true', { lowerdirs: [join(f.tmp, 'missing'), f.root] })).rejects.toMatchObject({
      code: 'LAYER_MISSING',
    });
  });

  it('throws when the root cannot be mounted, and still cleans up', async () => {
    // overlayfs wants upper and work dirs on one filesystem: /dev/shm is a tmpfs, the cell dir is not.
    const id = 'vmx-bad-upper';
    const upper = await mkdtemp('/dev/shm/vmx-upper-');
    try {
      await expect(run(f, 'true', { id, upper })).rejects.toMatchObject({
        code: 'CELL_SETUP_FAILED',
        exit: 3,
        message: expect.stringContaining('could not assemble its root filesystem: mount:'),
      });
      expect(await leftovers(id, join(f.cells, 'run', id))).toEqual(NOTHING_LEFT);
    } finally {
      await rm(upper, { recursive: true, force: true });
    }
  });
});
