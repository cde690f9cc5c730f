// config/: vmatrix.yml — its schema (schema/vmatrix.schema.json), loading, validation with file:line
// messages, normalisation into `Config`, and ${{ }} placeholders.
export type { Config, Scalar, SubstitutionContext } from './types.js';
export { loadConfig, parseConfig, validateConfig, type ConfigCheck } from './load.js';
export { substitute, checkPlaceholders, axisNames } from './placeholders.js';
export { effectiveSetup, overrideMatches } from './overrides.js';
