// plan/: from a loaded config to the run's plan — the distros resolved, the cells selected (`--only`,
// `--cell`, `--shard`), and each cell's plan (its recipe, steps, env, log path); nothing here starts a container.
export { planRevision, planRun, projectCatalog, type Plan, type RevisionSource } from './plan.js';
export type { DurationsSource } from './select.js';
export { distroKey, type CellPlan } from './cell-plan.js';
export { planService, type ServicePlan } from './service-plan.js';
export type { Boot } from './recipe.js';
