import { describe, expect, it } from 'vitest';
import { cellPaths } from '../../../src/vps/layout.js';
import { launcherArgv, relativeLowerdirs } from '../../../src/vps/launcher.js';
import type { Runtime } from '../../../src/vps/types.js';

const runtime: Runtime = { name: 'runc', path: '/usr/sbin/runc', version: '1.1.5', reason: 'test' };
const tools = { setpriv: '/usr/bin/setpriv', unshare: '/usr/bin/unshare' };

describe('relativeLowerdirs', () => {
  it('names the layers relative to their common parent, newest first', () => {
    expect(relativeLowerdirs(['/s/layers/b/diff', '/s/layers/a/diff', '/s/images/i/rootfs']))
      .toEqual({ base: '/s', lower: 'layers/b/diff:layers/a/diff:images/i/rootfs' });
  });

  it('uses the parent of a single layer, and / when nothing else is shared', () => {
    expect(relativeLowerdirs(['/s/images/i/rootfs'])).toEqual({ base: '/s/images/i', lower: 'rootfs' });
    expect(relativeLowerdirs(['/a/x', '/b/y'])).toEqual({ base: '/', lower: 'a/x:b/y' });
  });
});

describe('launcherArgv', () => {
  const paths = cellPaths('/s/cells/r/c');
  const argv = launcherArgv(tools, runtime, 'vmx-r-c', ['/s/layers/a/diff', '/s/images/i/rootfs'], paths);

  it('ties the cell to vmatrix (pdeathsig) and to private mount and PID namespaces', () => {
    expect(argv.slice(0, 13)).toEqual(['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', '/usr/bin/unshare', '--mount', '--propagation',
      'private', '--pid', '--fork', '--kill-child', '--mount-proc', '--']);
  });

  it('passes paths as positional arguments, never inside the script text', () => {
    const script = argv[15]!;
    expect(argv.slice(13, 15)).toEqual(['/bin/sh', '-c']);
    expect(script).not.toContain('/s/');
    expect(argv.slice(16, 24)).toEqual(['vmatrix-cell', '/s/cells/r/c/state', '/s/cells/r/c/rootfs', '/s',
      'layers/a/diff:images/i/rootfs', '/s/cells/r/c/upper', '/s/cells/r/c/work', '/s/cells/r/c/setup.log']);
  });

  it('runs the runtime in the foreground with private state and a JSON log', () => {
    expect(argv.slice(24)).toEqual(['/usr/sbin/runc', '--root', '/s/cells/r/c/state', '--log', '/s/cells/r/c/runtime.log',
      '--log-format', 'json', 'run', '--bundle', '/s/cells/r/c/bundle', 'vmx-r-c']);
  });

  it('refuses more layers than one overlay mount can name', () => {
    const many = Array.from({ length: 300 }, (_, i) => `/s/layers/${String(i).padStart(16, '0')}/diff`);
    expect(() => launcherArgv(tools, runtime, 'x', many, paths)).toThrow(expect.objectContaining({ code: 'TOO_MANY_LAYERS' }));
  });
});
