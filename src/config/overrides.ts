import type { Config } from './types.js';

/** Whether an overrides key names this distro: its name, its family, or a glob (`debian-*`) over the name. */
export function overrideMatches(pattern: string, distro: { name: string; family: string }): boolean {
  if (pattern === distro.name || pattern === distro.family) return true;
  if (!pattern.includes('*')) return false;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(distro.name);
}

type Setup = Pick<Config, 'packages' | 'installRecommends' | 'setup' | 'env'>;

/** packages, install_recommends, setup and env for one distro after every matching override, in the order written. */
export function effectiveSetup(config: Config, distro: { name: string; family: string }): Setup {
  let { packages, installRecommends, setup, env } = config;
  for (const o of config.overrides) {
    if (!overrideMatches(o.pattern, distro)) continue;
    if (o.packages) packages = o.packages;
    if (o.installRecommends !== undefined) installRecommends = o.installRecommends;
    if (o.setup) setup = o.setup;
    if (o.env) env = { ...env, ...o.env };
  }
  return { packages, installRecommends, setup, env };
}

/** Whether cells of this distro boot, before any include entry: the last matching override that says, else `boot:`. */
export function effectiveBoot(
  config: Pick<Config, 'boot' | 'overrides'>,
  distro: { name: string; family: string },
): boolean {
  let boot = config.boot;
  for (const o of config.overrides) if (o.boot !== undefined && overrideMatches(o.pattern, distro)) boot = o.boot;
  return boot;
}
