import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractBuffer, removeSandboxes, sandbox, tarOf, type Spec } from '../../helpers/tar.js';

// OCI whiteouts: layers applied one over another, as an image source does. The sandbox's canary and
// victim directories beside the root must survive whiteouts aimed at them through symlinks.

afterAll(removeSandboxes);

const layer = async (root: string, entries: Spec[], whiteouts = true) =>
  extractBuffer(await tarOf(entries), root, whiteouts ? { whiteouts: 'oci' } : {});
const ls = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();

describe('extractTar with OCI whiteouts', { tags: ['safety', 'archives'] }, () => {
  it('.wh.<name> removes a file or a whole directory of a lower layer, and is not created', async () => {
    const s = await sandbox();
    await layer(s.root, [
      { name: 'etc/keep', content: 'k' },
      { name: 'etc/gone', content: 'g' },
      { name: 'opt/tree/a/b', content: 'b' },
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    ]);
    await layer(s.root, [
      { name: 'etc/.wh.gone' },
      { name: 'opt/.wh.tree' },
      { name: '.wh.lib' },
      { name: 'etc/.wh.never-was' },
    ]);
    expect(await ls(join(s.root, 'etc'))).toEqual(['keep']);
    expect(await ls(join(s.root, 'opt'))).toEqual([]);
    expect(existsSync(join(s.root, 'lib'))).toBe(false);
    await s.assertUntouched();
  });

  it(".wh..wh..opq empties a directory of lower entries, keeping this layer's, before or after the marker", async () => {
    const s = await sandbox();
    await layer(s.root, [
      { name: 'd/old', content: 'o' },
      { name: 'd/sub/lower', content: 'l' },
      { name: 'd/same', content: 'lower' },
      { name: 'e/old', content: 'o' },
      { name: 'other/x', content: 'x' },
    ]);
    await layer(s.root, [
      { name: 'd/', type: 'directory' },
      { name: 'd/.wh..wh..opq' },
      { name: 'd/new', content: 'n' },
      { name: 'd/same', content: 'upper' },
      { name: 'd/sub/upper', content: 'u' },
      { name: 'e/new', content: 'n' },
      { name: 'e/.wh..wh..opq' },
    ]);
    expect(await ls(join(s.root, 'd'))).toEqual(['new', 'same', 'sub']);
    expect(await ls(join(s.root, 'd/sub'))).toEqual(['upper']);
    expect(await readFile(join(s.root, 'd/same'), 'utf8')).toBe('upper');
    expect(await ls(join(s.root, 'e'))).toEqual(['new']);
    expect(await ls(join(s.root, 'other'))).toEqual(['x']);
  });

  it('a whiteout spares what the same layer wrote', async () => {
    const s = await sandbox();
    await layer(s.root, [{ name: 'a', content: 'mine' }, { name: '.wh.a' }]);
    expect(await readFile(join(s.root, 'a'), 'utf8')).toBe('mine');
  });

  it("never follows a lower layer's symlink out of the root", async () => {
    const s = await sandbox();
    await layer(s.root, [
      { name: 'up', type: 'symlink', linkname: '../../..' + s.work },
      { name: 'abs', type: 'symlink', linkname: join(s.work, 'victim') },
      { name: 'canary', type: 'symlink', linkname: s.canary },
    ]);
    await layer(s.root, [
      { name: 'up/victim/.wh.hello' },
      { name: 'abs/.wh.hello' },
      { name: 'abs/.wh..wh..opq' },
      { name: '.wh.canary' },
    ]);
    expect(existsSync(join(s.root, 'canary'))).toBe(false); // the link itself went, not its target
    await s.assertUntouched();
  });

  it('removing a symlinked directory forgets it, so later entries do not write through the old path', async () => {
    const s = await sandbox();
    await layer(s.root, [
      { name: 'real/', type: 'directory' },
      { name: 'd', type: 'symlink', linkname: 'real' },
      { name: 'd/f', content: '1' },
    ]);
    await layer(s.root, [{ name: '.wh.d' }, { name: 'd/g', content: '2' }]);
    expect(await ls(join(s.root, 'real'))).toEqual(['f']);
    expect(await ls(join(s.root, 'd'))).toEqual(['g']);
  });

  it('refuses a whiteout of no name or with content, and without the option a .wh. file is an ordinary file', async () => {
    const s = await sandbox();
    await expect(layer(s.root, [{ name: 'x/.wh...' }])).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' });
    await expect(layer(s.root, [{ name: '.wh.y', content: 'data' }])).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
    });
    expect(existsSync(join(s.root, 'x'))).toBe(false); // refused before anything was created
    await layer(s.root, [{ name: 'f', content: 'x' }, { name: '.wh.f' }], false);
    expect(await ls(s.root)).toEqual(['.wh.f', 'f']);
  });
});
