import { describe, expect, it } from 'vitest';
import { cellPaths } from '../../../src/vps/layout.js';
import { launcherArgv, relativeLowerdirs } from '../../../src/vps/launcher.js';
import { runsAs32Bit } from '../../../src/vps/run-cell.js';
import type { Runtime } from '../../../src/vps/types.js';

const runtime: Runtime = {
  name: 'runc',
  path: '/usr/sbin/runc',
  version: '1.1.5',
  reason: 'test',
  userns: { reason: 'test' },
};
const tools = { setpriv: '/usr/bin/setpriv', unshare: '/usr/bin/unshare', shell: ['/bin/sh'] };

describe('relativeLowerdirs', () => {
  it('names the layers relative to their common parent, newest first', () => {
    expect(relativeLowerdirs(['/s/layers/b/diff', '/s/layers/a/diff', '/s/images/i/rootfs'])).toEqual({
      base: '/s',
      lower: 'layers/b/diff:layers/a/diff:images/i/rootfs',
    });
  });

  it('uses the parent of a single layer, and / when nothing else is shared', () => {
    expect(relativeLowerdirs(['/s/images/i/rootfs'])).toEqual({ base: '/s/images/i', lower: 'rootfs' });
    expect(relativeLowerdirs(['/a/x', '/b/y'])).toEqual({ base: '/', lower: 'a/x:b/y' });
  });
});

describe('launcherArgv', { tags: ['safety', 'isolation'] }, () => {
  const paths = cellPaths('/s/cells/r/c');
  const spec = {
    id: 'vmx-r-c',
    lowerdirs: ['/s/layers/a/diff', '/s/images/i/rootfs'],
    withResolv: false,
    owner: { uid: 100000, gid: 100001 },
  };
  const argv = launcherArgv(tools, runtime, spec, paths);

  it('ties the cell to vmatrix (pdeathsig) and to private mount and PID namespaces', () => {
    expect(argv.slice(0, 13)).toEqual([
      '/usr/bin/setpriv',
      '--pdeathsig',
      'KILL',
      '--',
      '/usr/bin/unshare',
      '--mount',
      '--propagation',
      'private',
      '--pid',
      '--fork',
      '--kill-child',
      '--mount-proc',
      '--',
    ]);
  });

  it('passes paths as positional arguments, never inside the script text', () => {
    const script = argv[15]!;
    expect(argv.slice(13, 15)).toEqual(['/bin/sh', '-c']);
    expect(script).not.toContain('/s/');
    expect(argv.slice(16, 31)).toEqual([
      'vmatrix-cell',
      '/s/cells/r/c/setup.log',
      '/s',
      'layers/a/diff:images/i/rootfs',
      '/s/cells/r/c/upper',
      '/s/cells/r/c/work',
      '',
      '',
      '',
      '/s/cells/r/c/bundle/hosts',
      '',
      '100000:100001',
      '',
      '',
      '',
    ]);
  });

  it('names the source overlay, the resolv.conf copy and the host CA certificates when the cell has them', () => {
    const a = launcherArgv(
      tools,
      runtime,
      { ...spec, sourceLower: '/s/sources/x/tree', withResolv: true, withHostCa: true },
      paths,
    );
    expect(a.slice(22, 29)).toEqual([
      '/s/sources/x/tree',
      '/s/cells/r/c/src-upper',
      '/s/cells/r/c/src-work',
      '/s/cells/r/c/bundle/hosts',
      '/s/cells/r/c/bundle/resolv.conf',
      '100000:100001',
      '/s/cells/r/c/bundle/host-ca.crt',
    ]);
  });

  it("runs the runtime in the foreground with its state on the cell's private tmpfs, a JSON log, and the cgroups kept", () => {
    expect(argv.slice(31)).toEqual([
      '/usr/sbin/runc',
      '--root',
      '/run/vmatrix/state',
      '--log',
      '/s/cells/r/c/runtime.log',
      '--log-format',
      'json',
      'run',
      '--keep',
      '--bundle',
      '/s/cells/r/c/bundle',
      'vmx-r-c',
    ]);
  });

  it('passes fd 3 through to the command only when the cell has a control channel', () => {
    expect(argv).not.toContain('--preserve-fds');
    const a = launcherArgv(tools, runtime, { ...spec, control: true }, paths);
    expect(a.slice(39, 42)).toEqual(['--keep', '--preserve-fds', '1']);
    expect(argv[15]).not.toMatch(/\b3>/); // the script keeps fd 3 free for it
  });

  it('binds the network namespace it gets as fd 4 inside its own mount namespace, then closes fd 4, only for an outbound cell', () => {
    expect(argv[29]).toBe('');
    const a = launcherArgv(tools, runtime, { ...spec, withNetns: true }, paths);
    expect(a[29]).toBe('1');
    expect(a[15]).toContain('mount --bind /proc/self/fd/4 "$m/netns"; exec 4<&-');
  });

  it('rootless, mounts the overlays with user.* attributes or with fuse-overlayfs, and tells the runtime', () => {
    expect(argv[30]).toBe('');
    expect(argv[15]).toContain('mount -t overlay "$1" -o "$2${x:+,$x}" "$3"');
    expect(argv[15]).toContain(
      'fuse-overlayfs -o "$2,allow_other" "$3" 2>"$m/ovl.err" || { cat "$m/ovl.err" >&2; return 1; }',
    );
    expect(argv[15]).toContain('ovl vmatrix-root "lowerdir=$3,upperdir=$4,workdir=$5" "$m/root"');
    const a = launcherArgv(tools, { ...runtime, rootless: 'subids', overlay: 'userxattr' }, spec, paths);
    expect(a[30]).toBe('userxattr');
    expect(a.slice(31, 35)).toEqual(['/usr/sbin/runc', '--rootless', 'true', '--root']);
    expect(launcherArgv(tools, { ...runtime, rootless: 'subids', overlay: 'fuse' }, spec, paths)[30]).toBe('fuse');
  });

  it('starts the runtime with the 32-bit personality for a 32-bit cell, which its container inherits', () => {
    expect(argv[31]).toBe('/usr/sbin/runc');
    const a = launcherArgv({ ...tools, setarch: '/usr/bin/setarch' }, runtime, { ...spec, linux32: true }, paths);
    expect(a.slice(31, 34)).toEqual(['/usr/bin/setarch', 'linux32', '/usr/sbin/runc']);
    expect(() => launcherArgv(tools, runtime, { ...spec, linux32: true }, paths)).toThrow(/setarch is not installed/);
  });

  it('gives the 32-bit personality to i386 on amd64 and armhf on arm64 only', () => {
    expect(runsAs32Bit('i386', 'amd64')).toBe(true);
    expect(runsAs32Bit('armhf', 'arm64')).toBe(true);
    expect(runsAs32Bit('amd64', 'amd64')).toBe(false);
    expect(runsAs32Bit('armhf', 'amd64')).toBe(false);
    expect(runsAs32Bit('i386', 'arm64')).toBe(false);
  });

  it("runs the script with busybox's sh when the launcher found busybox", () => {
    const a = launcherArgv({ ...tools, shell: ['/bin/busybox', 'sh'] }, runtime, spec, paths);
    expect(a.slice(13, 16)).toEqual(['/bin/busybox', 'sh', '-c']);
    expect(a.slice(17)).toEqual(argv.slice(16));
  });

  it('refuses more layers than one overlay mount can name', () => {
    const many = Array.from({ length: 300 }, (_, i) => `/s/layers/${String(i).padStart(16, '0')}/diff`);
    expect(() => launcherArgv(tools, runtime, { ...spec, id: 'x', lowerdirs: many }, paths)).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_LAYERS' }),
    );
  });
});
