import { mapPackageNames } from '../catalog/index.js';
import type { DistroEntry } from '../catalog/types.js';
import type { Config, ServiceConfig } from '../config/types.js';
import type { Recipe } from '../layers/index.js';
import { bootFor, recommends, withInitPackages, type Boot } from './recipe.js';

// A service of `services:`, worked out once when the run is planned: one cell for the whole run, on its own
// distro (of the host's arch), that the test cells reach by its name.

export interface ServicePlan {
  readonly name: string;
  readonly distro: Readonly<DistroEntry>;
  /** Its setup layer's recipe: package names the distro's (and its init's, when it boots), setup, env. */
  readonly recipe: Readonly<Recipe>;
  /** Its foreground process; absent when it boots. */
  readonly run?: string;
  /** Present when its cell boots its init; `timeoutMs` is `boot_timeout`. */
  readonly boot?: Boot;
  /** Polled until it exits 0. */
  readonly ready?: string;
  readonly readyTimeoutMs: number;
  readonly env: Readonly<Record<string, string>>;
}

/** The plan of one service, on `distro` (its `distro:` resolved); a boot service of a family without an init throws. */
export function planService(config: Config, service: ServiceConfig, distro: DistroEntry): ServicePlan {
  const boot = service.boot
    ? bootFor(
        distro,
        config.bootTimeout,
        `services.${service.name}`,
        `give the service its process instead (\`run: <command>\`), or a distro vmatrix can boot`,
      )
    : undefined;
  const packages = withInitPackages(mapPackageNames(distro.packageManager, service.packages), boot);
  const recipe: Recipe = {
    packages,
    ...recommends(service.installRecommends ?? config.installRecommends, distro.packageManager, packages),
    setup: [...service.setup],
    env: { ...service.env },
  };
  return Object.freeze({
    name: service.name,
    distro,
    recipe: Object.freeze(recipe),
    ...(service.run !== undefined && { run: service.run }),
    ...(boot && { boot }),
    ...(service.ready !== undefined && { ready: service.ready }),
    readyTimeoutMs: service.readyTimeout,
    env: Object.freeze({ ...service.env }),
  });
}
