// The CLI's entry, which bin/run.js imports from the bundle (dist/bundle/commands/_main.js): oclif's execute(),
// except that a usage error raised outside vmatrix's own commands (a plugin's command, `vmatrix help <unknown>`)
// is printed in vmatrix's error:/hint: shape too (src/cli/usage.ts). Bundled with @oclif/core and the commands'
// shared chunks (scripts/bundle.mjs), so that a start loads a few files instead of ~160 CommonJS modules.
import { flush, handle, run } from '../cli/oclif.js';
import { outsideCommandError } from '../cli/usage.js';
import { enterUserNamespace, watchParent } from '../vps/rootless.js';

const argv = process.argv.slice(2);
// An ordinary user's command that makes cells runs inside a user namespace of the user's (vps/rootless.ts).
const inside = await enterUserNamespace(argv);
if (inside !== undefined) process.exit(inside);
await watchParent();
await run(argv, import.meta.url)
  .then(() => flush())
  .catch((err: unknown) => handle(outsideCommandError(err, argv) as Parameters<typeof handle>[0]));
