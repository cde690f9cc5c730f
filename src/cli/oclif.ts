// @oclif/core for the commands: cli/ is its one owner (docs/architecture.md), commands/ reach it through here.
export { Args, Command, Errors, Flags, flush, handle, run } from '@oclif/core';
export type { Hook, Interfaces } from '@oclif/core';
