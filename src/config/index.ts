// config/: vmatrix.yml — its schema (schema/vmatrix.schema.json), loading, validation with file:line
// messages, normalisation into `Config`, ${{ }} placeholders, and the starter files of `vmatrix init`.
export type { Config, Scalar, ServiceConfig, SubstitutionContext, TestStep } from './types.js';
export { loadConfig, parseConfig, validateConfig, type ConfigCheck } from './load.js';
export { substitute, checkPlaceholders, axisNames, RESERVED_INCLUDE_KEYS } from './placeholders.js';
export { stepName } from './steps.js';
export { ciYaml } from './yaml-source.js';
export { effectiveBoot, effectiveSetup, overrideMatches } from './overrides.js';
export { initConfig, detectKind, starterConfig, PROJECT_KINDS, type ProjectKind, type InitResult } from './init.js';
export { parseYamlData } from './yaml-data.js';
