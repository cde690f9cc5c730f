// @oclif/core for the commands: cli/ is its one owner (docs/architecture.md), commands/ reach it through here.
// From its subpath exports rather than its index: the index requires every part of oclif (ux, help, parser,
// performance, a Node version check that loads semver), which the bundle would then evaluate at every start.
export * as Args from '@oclif/core/args';
export { Command } from '@oclif/core/command';
export * as Errors from '@oclif/core/errors';
export * as Flags from '@oclif/core/flags';
export { flush } from '@oclif/core/flush';
export { handle } from '@oclif/core/handle';
export { run } from '@oclif/core/run';
export type { Hook, Interfaces } from '@oclif/core';
