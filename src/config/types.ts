/** A matrix value as written in YAML; kept as written, compared as strings. */
export type Scalar = string | number | boolean;

/** vmatrix.yml after validation and normalisation. Defaults are filled in; durations are milliseconds. */
export interface Config {
  /** Absolute path of the file it was read from (for messages). */
  file: string;
  /** Distro names as written (resolved against the catalog later, by plan/). */
  distros: string[];
  /**
   * `arch:`, the CPU architectures, as Debian spells them, in the order written: the axis after distro. Empty
   * when the config names none: its cells then run on the host's (or on what `--arch` names).
   */
  arch: string[];
  /** Axis name → values, in the order written. `distro` is not an axis here. */
  matrix: Record<string, Scalar[]>;
  include: Array<Record<string, Scalar>>;
  exclude: Array<Record<string, Scalar>>;
  /** Package names; may contain ${{ matrix.x }} / ${{ distro }} placeholders. */
  packages: string[];
  /**
   * `install_recommends`: packages come with their weak dependencies (Recommends), as the distro installs them. Default
   * true.
   */
  installRecommends: boolean;
  /** Setup commands, run once per distro+recipe, cached as a layer. */
  setup: string[];
  /** `setup_inputs`: globs of project files (relative to its root) whose content is part of the setup layer's key. */
  setupInputs: string[];
  /** `catalog`: the project's own catalog files or directories, relative to its root (loaded by catalog/). */
  catalog: string[];
  /** Test steps, run in order in every cell; the first failure fails the cell. */
  test: TestStep[];
  env: Record<string, string>;
  /** Per-cell timeout of the test step in ms, or undefined for none. */
  timeout?: number;
  /** How many more times a failed or timed-out cell is run, from a fresh cell (`retries:`; `--retries` wins). */
  retries: number;
  /** Globs (relative to the workdir, or absolute in the cell) of files copied out of each cell after its tests. */
  artifacts: string[];
  /** Where the project appears in the cell, and the working directory of steps. Default /src. */
  workdir: string;
  /** Network of test steps: loopback only (default) or the host's. Setup always has the host's. */
  network: 'none' | 'host';
  /** Who runs the test steps: 'root', or a user vmatrix creates in every cell (uid/gid USER_ID). */
  user: string;
  /** Cgroup limits of each cell; memory in bytes. */
  resources: { memory?: number; cpus?: number; pids?: number };
  /** Distro pattern (name, family or glob) → replacements, in the order written. */
  overrides: Array<{
    pattern: string;
    packages?: string[];
    installRecommends?: boolean;
    setup?: string[];
    env?: Record<string, string>;
    /** Whether the cells of these distros boot their init (an include entry's `boot` still wins). */
    boot?: boolean;
  }>;
  /** `boot:`: the cells' PID 1 is the distro's init (default false); overrides and include entries may differ. */
  boot: boolean;
  /** `boot_timeout:` in ms: how long a booting cell or service may take to be up (default 60 s). */
  bootTimeout: number;
  /** `services:`, in the order written. */
  services: ServiceConfig[];
}

/** One entry of `services:`: a cell of its own that the test cells reach by its name. */
export interface ServiceConfig {
  /** Its key under `services:`; also its hostname. */
  name: string;
  /** A catalog name (no placeholders). */
  distro: string;
  /** Debian names, mapped like the cells' packages. */
  packages: string[];
  /** Absent: the top-level `install_recommends`. */
  installRecommends?: boolean;
  setup: string[];
  env: Record<string, string>;
  /** The service's foreground process; absent exactly when `boot` is true. */
  run?: string;
  /** The service's cell boots its init (then `run` is absent). */
  boot: boolean;
  /** A shell command polled until it exits 0: the service is ready. */
  ready?: string;
  /** `ready_timeout:` in ms (default 60 s). */
  readyTimeout: number;
}

/** One test step: an item of `test:`. An unnamed step is named after its command. */
export interface TestStep {
  name: string;
  /** The shell command; may contain placeholders. */
  run: string;
  /** The step's own time limit in ms (the cell's `timeout` still applies). */
  timeout?: number;
}

/** The values a placeholder can refer to: `${{ matrix.build }}`, `${{ distro }}`, `${{ arch }}`. */
export interface SubstitutionContext {
  distro: string;
  /** The cell's architecture (`${{ arch }}`), as Debian spells it. */
  arch: string;
  matrix: Record<string, string>;
  /**
   * Every axis of the matrix (see `axisNames`). When given, an axis this cell lacks (possible for cells
   * added by include) becomes an empty string, as in GitHub Actions, instead of an error.
   */
  known?: string[];
}
