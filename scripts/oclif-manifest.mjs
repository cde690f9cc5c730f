// Writes oclif.manifest.json after a build, so that a vmatrix command loads only its own module: without
// the manifest, oclif imports every command to read its flags (about 0.2 s of each start). This is what
// `oclif manifest` does, using @oclif/core's own Plugin loader, without the oclif CLI's dependencies.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({
  root,
  type: 'core',
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
});
await plugin.load();
await writeFile(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(plugin.manifest)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
