import { describe, expect, it } from 'vitest';
import { findProgram } from '../../../src/vps/launcher.js';
import { cgroupLayout } from '../../../src/vps/runtime.js';
import { detectRuntime } from '../../../src/vps/index.js';

describe('detectRuntime on this host', () => {
  it('finds a runtime, its version, and says why it chose it', async () => {
    const rt = await detectRuntime();
    expect(rt.path).toMatch(new RegExp(`/${rt.name}$`));
    expect(rt.version).toMatch(/^\d+\.\d+/);
    expect(rt.reason.startsWith(`${rt.name}: `)).toBe(true);
    if ((await cgroupLayout()) === 'hybrid')
      expect(rt).toMatchObject({ name: 'runc', reason: expect.stringContaining('hybrid cgroup v1/v2') });
  });

  it('uses the runtime it is told to', async () => {
    expect(await detectRuntime('runc')).toMatchObject({ name: 'runc', reason: 'runc: chosen with --runtime' });
  });

  it('refuses crun where it is missing or cannot work', async () => {
    const crun = await findProgram('crun');
    const layout = await cgroupLayout();
    const p = detectRuntime('crun');
    if (!crun) await expect(p).rejects.toMatchObject({ code: 'NO_RUNTIME', hint: 'apt-get install crun' });
    else if (layout === 'hybrid') await expect(p).rejects.toMatchObject({ code: 'RUNTIME_UNUSABLE' });
    else expect((await p).name).toBe('crun');
  });

  it('refuses an unknown runtime name as a usage error', async () => {
    await expect(detectRuntime('docker')).rejects.toMatchObject({ code: 'UNKNOWN_RUNTIME', exit: 2 });
  });
});
