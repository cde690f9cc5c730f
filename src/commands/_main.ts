// The CLI's entry, which bin/run.js imports from the bundle (dist/bundle/commands/_main.js): oclif's execute(),
// except that a usage error raised outside vmatrix's own commands (a plugin's command, `vmatrix help <unknown>`)
// is printed in vmatrix's error:/hint: shape too (src/cli/usage.ts). Bundled with @oclif/core and the commands'
// shared chunks (scripts/bundle.mjs), so that a start loads a few files instead of ~160 CommonJS modules.
import { flush, handle, run } from '../cli/oclif.js';
import { outsideCommandError } from '../cli/usage.js';
import { watchParent } from '../vps/rootless.js';

const argv = process.argv.slice(2);
// Inside the user namespace of an ordinary user's vmatrix (bin/run.js entered it: vps/rootless.ts), this
// process ends when the one outside does.
await watchParent();
await run(argv, import.meta.url)
  .then(() => flush())
  .catch((err: unknown) => handle(outsideCommandError(err, argv) as Parameters<typeof handle>[0]));
