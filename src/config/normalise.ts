import { posix } from 'node:path';
import { archProblem } from '../util/arch.js';
import { parseDuration } from '../util/duration.js';
import { parseSize } from '../util/size.js';
import type { Issue } from './issues.js';
import { normaliseSteps, type RawStep } from './steps.js';
import type { Config, Scalar, ServiceConfig } from './types.js';

/** vmatrix.yml as written, once it has passed the schema. */
export interface RawConfig {
  distros: string[];
  arch?: string | string[];
  matrix?: Record<string, Scalar[]>;
  include?: Array<Record<string, Scalar>>;
  exclude?: Array<Record<string, Scalar>>;
  packages?: string[];
  install_recommends?: boolean;
  setup?: string | string[];
  setup_inputs?: string[];
  catalog?: string | string[];
  test: RawStep | RawStep[];
  env?: Record<string, Scalar>;
  timeout?: string | number;
  retries?: number;
  artifacts?: string[];
  workdir?: string;
  network?: 'none' | 'host';
  user?: string;
  resources?: { memory?: string | number; cpus?: number; pids?: number };
  overrides?: Record<
    string,
    {
      packages?: string[];
      install_recommends?: boolean;
      setup?: string | string[];
      env?: Record<string, Scalar>;
      boot?: boolean;
    }
  >;
  boot?: boolean;
  boot_timeout?: string | number;
  services?: Record<string, RawService>;
}

/** A `services:` entry as written, once it has passed the schema. */
export interface RawService {
  distro: string;
  packages?: string[];
  install_recommends?: boolean;
  setup?: string | string[];
  env?: Record<string, Scalar>;
  run?: string;
  boot?: boolean;
  ready?: string;
  ready_timeout?: string | number;
}

/** `boot_timeout` and `ready_timeout` when absent. */
export const DEFAULT_BOOT_TIMEOUT = 60_000;

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

const stringValues = (env: Record<string, Scalar>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));

/** Fills in defaults and gives every field one shape, so no other module handles "string or list". */
export function normalise(raw: RawConfig, file: string): Config {
  const workdir = posix.normalize(raw.workdir ?? '/src').replace(/(.)\/+$/, '$1');
  return {
    file,
    distros: [...raw.distros],
    arch: list(raw.arch),
    matrix: { ...raw.matrix },
    include: raw.include ?? [],
    exclude: raw.exclude ?? [],
    packages: raw.packages ?? [],
    installRecommends: raw.install_recommends ?? true,
    setup: list(raw.setup),
    setupInputs: raw.setup_inputs ?? [],
    catalog: list(raw.catalog),
    test: normaliseSteps(raw.test),
    env: stringValues(raw.env ?? {}),
    timeout: raw.timeout === undefined ? undefined : parseDuration(raw.timeout, 'timeout'),
    retries: raw.retries ?? 0,
    artifacts: raw.artifacts ?? [],
    workdir,
    network: raw.network ?? 'none',
    user: raw.user ?? 'root',
    resources: {
      ...(raw.resources?.memory !== undefined && { memory: memoryLimit(raw.resources.memory) }),
      ...(raw.resources?.cpus !== undefined && { cpus: raw.resources.cpus }),
      ...(raw.resources?.pids !== undefined && { pids: raw.resources.pids }),
    },
    overrides: Object.entries(raw.overrides ?? {}).map(([pattern, o]) => ({
      pattern,
      ...(o.packages && { packages: [...o.packages] }),
      ...(o.install_recommends !== undefined && { installRecommends: o.install_recommends }),
      ...(o.setup !== undefined && { setup: list(o.setup) }),
      ...(o.env && { env: stringValues(o.env) }),
      ...(o.boot !== undefined && { boot: o.boot }),
    })),
    boot: raw.boot ?? false,
    bootTimeout:
      raw.boot_timeout === undefined ? DEFAULT_BOOT_TIMEOUT : parseDuration(raw.boot_timeout, 'boot_timeout'),
    services: Object.entries(raw.services ?? {}).map(([name, s]) => normaliseService(name, s)),
  };
}

function normaliseService(name: string, s: RawService): ServiceConfig {
  return {
    name,
    distro: s.distro,
    packages: s.packages ?? [],
    ...(s.install_recommends !== undefined && { installRecommends: s.install_recommends }),
    setup: list(s.setup),
    env: stringValues(s.env ?? {}),
    ...(s.run !== undefined && { run: s.run }),
    boot: s.boot ?? false,
    ...(s.ready !== undefined && { ready: s.ready }),
    readyTimeout:
      s.ready_timeout === undefined
        ? DEFAULT_BOOT_TIMEOUT
        : parseDuration(s.ready_timeout, `services.${name}.ready_timeout`),
  };
}

const MIN_MEMORY = 4 * 2 ** 20;

function memoryLimit(value: string | number): number {
  return typeof value === 'number' ? value : parseSize(value, 'resources.memory');
}

/**
 * Limits the schema lets through but no cell could live with: a tiny memory limit (the kernel and runc
 * refuse it) and a time limit of zero ("0s" passes the pattern): said with the line before any cell starts.
 */
export function limitIssues(raw: RawConfig): Issue[] {
  const issues: Issue[] = [];
  const memory = raw.resources?.memory;
  if (memory !== undefined && memoryLimit(memory) < MIN_MEMORY) {
    // Spaces, newlines included, may surround the number and its unit; the message must stay one line.
    const size = String(memory).replace(/\s+/g, '');
    issues.push({
      path: ['resources', 'memory'],
      message: `${size} is too small for a cell: give it at least 4m (512m or more for real test suites)`,
    });
  }
  const zero = (value: string | number | undefined, path: Array<string | number>, absent = 'no limit') => {
    if (value !== undefined && parseDuration(value, path.join('.')) === 0)
      issues.push({
        path,
        message:
          `${JSON.stringify(value)} is no time at all: give a duration like 90s or 15m, or leave it out for ` + absent,
      });
  };
  zero(raw.timeout, ['timeout']);
  zero(raw.boot_timeout, ['boot_timeout'], '60s');
  for (const [name, s] of Object.entries(raw.services ?? {}))
    zero(s.ready_timeout, ['services', name, 'ready_timeout'], '60s');
  if (Array.isArray(raw.test))
    raw.test.forEach((step, i) => typeof step === 'object' && zero(step.timeout, ['test', i, 'timeout']));
  return issues;
}

/**
 * Arches spelt as vmatrix does not (`aarch64`, `x86_64`) or unknown to it, in `arch:` and in the `arch` of
 * include and exclude entries: an exclude that names a misspelt arch would silently exclude nothing.
 */
export function archIssues(raw: RawConfig): Issue[] {
  const issues: Issue[] = [];
  const check = (value: Scalar, path: Array<string | number>) => {
    const problem = archProblem(String(value));
    if (problem) issues.push({ path, message: problem });
  };
  if (typeof raw.arch === 'string') check(raw.arch, ['arch']);
  else raw.arch?.forEach((a, i) => check(a, ['arch', i]));
  for (const field of ['include', 'exclude'] as const)
    raw[field]?.forEach((entry, i) => entry.arch !== undefined && check(entry.arch, [field, i, 'arch']));
  return issues;
}

/**
 * Rules of `services:` the schema does not say: exactly one of `run` and `boot: true` (what would the cell
 * run otherwise?), and no placeholders, since a service is one cell for every cell of the matrix.
 */
export function serviceIssues(raw: RawConfig): Issue[] {
  const issues: Issue[] = [];
  for (const [name, s] of Object.entries(raw.services ?? {})) {
    if (s.run !== undefined && s.boot === true)
      issues.push({
        path: ['services', name, 'boot'],
        message:
          'a service has either `run:` (its process) or `boot: true` (its init starts what setup enabled), not ' +
          'both: leave one out',
      });
    else if (s.run === undefined && s.boot !== true)
      issues.push({
        path: ['services', name],
        message:
          'say what the service runs: `run: <command>` (its process, in the foreground) or `boot: true` (its ' +
          'init starts what setup enabled)',
      });
    const walk = (value: unknown, path: Array<string | number>): void => {
      if (typeof value === 'string') {
        if (value.includes('${{'))
          issues.push({
            path,
            message:
              'placeholders (${{ … }}) are not supported in services: a service is one cell for the whole ' +
              'matrix; write the value itself',
          });
      } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    for (const [field, value] of Object.entries(s)) walk(value, ['services', name, field]);
  }
  return issues;
}
