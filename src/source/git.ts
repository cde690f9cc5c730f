import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { GitConstructError, simpleGit, type SimpleGitOptions } from 'simple-git';
import { envError, usageError, VmError } from '../util/errors.js';

// git on a project vmatrix does not trust. A repository's own config (.git/config, which comes with any
// checkout one is handed) can name programs that git runs on the side: core.fsmonitor on every read of the
// index, a filter driver's clean command when `git status` compares a file's content, hooks such as
// post-index-change when it writes the index. Every call here overrides those on the command line, where
// they win over every config file, and runs with none of the caller's GIT_* variables (GIT_DIR and
// friends would point git elsewhere). Every git call vmatrix makes goes through here: the working tree's
// snapshot (open), a commit's (repository: read-tree runs hooks, checkout-index smudges) and the clone and
// fetch of a --repo URL.
//
// The process layer is simple-git's (`output`: every call whose whole output is wanted, clone and fetch
// included), with its block-unsafe-operations plugin on and only the categories our own disarming `-c`
// values need allowed. One part stays a plain spawn: `records`, which reads a 200,000-file project's
// `git status -z` / `ls-files -z` record by record as it comes. simple-git's executor keeps every stdout
// chunk of a call until git exits and then joins them (an outputHandler only gets a second reader of the
// same stream), so through it the whole listing would be held at once, and its stderr uncapped.
const ALWAYS = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  // What `status` compares, as git's defaults: no stat field ignored, no entry trusted without a look.
  'core.checkStat=default',
  'core.trustctime=true',
  'core.fileMode=true',
  'core.ignoreStat=false',
];
const DRIVER_KEYS = ['clean', 'smudge', 'process'];
const DRIVER_KEY = /^filter\.(.+)\.(clean|smudge|process|required)$/;

export class ProjectGit {
  private constructor(
    readonly dir: string,
    private readonly config: string[],
    /** Bytes of an object id: 20 (SHA-1) or 32 (a SHA-256 repository). */
    readonly hashBytes: number,
    /** Whether content-reading commands are safe: false when a filter driver's name cannot be overridden. */
    readonly filtersDisarmed: boolean,
    /** `dir`'s path in the repository: "" at its top, else ending in "/". */
    readonly prefix: string,
    /** The index file's path. */
    readonly indexPath: string,
  ) {}

  /** The repository `dir` is in; NOT_A_GIT_REPO when there is none. */
  static async open(dir: string): Promise<ProjectGit> {
    const plain = new ProjectGit(dir, ALWAYS, 20, false, '', '');
    const [where, armed] = await Promise.all([
      plain
        .output(['rev-parse', '--is-inside-work-tree', '--show-prefix', '--git-path', 'index'])
        .catch((e: unknown) => {
          if (!(e instanceof GitFailed && /not a git repository/i.test(e.stderr))) throw e;
          throw usageError('NOT_A_GIT_REPO', `${dir} is not inside a git repository`, {
            hint: 'vmatrix copies the files git tracks into each cell: run `git init && git add -A` first',
          });
        }),
      disarming(plain),
    ]);
    const [, prefix = '', indexPath = ''] = where.split('\n');
    return new ProjectGit(dir, armed.config, armed.hashBytes, armed.disarmed, prefix, resolve(dir, indexPath));
  }

  /**
   * The repository at `dir` (a work tree or a bare one) for reading commits and checking them out: refused
   * when a filter driver it names cannot be disabled, since a checkout would run it.
   */
  static async repository(dir: string): Promise<ProjectGit> {
    const armed = await disarming(new ProjectGit(dir, ALWAYS, 20, false, '', ''));
    if (!armed.disarmed) {
      throw usageError(
        'GIT_FILTER_NOT_DISARMED',
        `${dir}: its git config names a filter driver with "=" in its name, which vmatrix cannot turn off`,
        {
          hint: "rename or remove that filter.<name>.* section of the repository's config (git config -l lists it)",
        },
      );
    }
    return new ProjectGit(dir, armed.config, armed.hashBytes, true, '', '');
  }

  /** A bare clone of `url` at `dir` (made here, so its config is vmatrix's own). */
  static async cloneBare(url: string, dir: string): Promise<ProjectGit> {
    await new ProjectGit(process.cwd(), ALWAYS, 20, false, '', '').output(
      ['clone', '--bare', '--', url, dir],
      [0],
      transportVariables(),
    );
    return ProjectGit.repository(dir);
  }

  /**
   * A bare clone of the local repository whose git dir is `gitDir`, at `dir`, borrowing its objects (`--shared`):
   * made in milliseconds whatever the repository's size, and written only at `dir`. Used for `vmatrix bisect`,
   * whose BISECT_* state must never land in the user's repository.
   */
  static async cloneShared(gitDir: string, dir: string): Promise<ProjectGit> {
    await new ProjectGit(process.cwd(), ALWAYS, 20, false, '', '').output([
      'clone',
      '--bare',
      '--shared',
      '--quiet',
      '--',
      gitDir,
      dir,
    ]);
    return ProjectGit.repository(dir);
  }

  /** Fetches every branch and tag of a bare clone's origin, with the operator's ssh and askpass settings. */
  async fetchAll(): Promise<void> {
    await this.output(
      ['fetch', '--prune', '--tags', 'origin', '+refs/heads/*:refs/heads/*'],
      [0],
      transportVariables(),
    );
  }

  /**
   * A command's whole output, for the small ones; `ok` lists the exit codes that are not failures; `env` adds variables
   * (GIT_INDEX_FILE).
   */
  async output(args: string[], ok: number[] = [0], env: Record<string, string> = {}): Promise<string> {
    // simple-git's plugins see the -c values and the environment before it spawns git; the error it
    // reports is set aside here, since simple-git wraps whatever `errors` returns into its own GitError.
    let failed: VmError | undefined;
    const options: Partial<SimpleGitOptions> = {
      baseDir: this.dir,
      config: this.config,
      unsafe: unsafeNeeded(this.config, env),
      // Done when git's stdout and stderr have closed, not 50 ms after it exits: all of its output is read.
      completion: { onClose: true, onExit: false },
      errors: (_error, result) => {
        // A negative code is the errno of a git that could not be started (the spawn error's stack is on stderr).
        if (result.exitCode < 0) {
          const errno =
            Object.entries(constants.errno).find(([, n]) => n === -result.exitCode)?.[0] ?? `errno ${-result.exitCode}`;
          failed = spawnFailed(this.dir, `spawn git ${errno}`, errno);
        } else if (!ok.includes(result.exitCode)) {
          // exitCode is null (typed a number) when a signal ended git: simple-git does not say which.
          failed = failure(this.dir, args, result.exitCode ?? 'killed by a signal', cappedStderr(result.stdErr));
        }
        return failed;
      },
    };
    let git;
    try {
      git = simpleGit(options);
    } catch (e) {
      if (!(e instanceof GitConstructError)) throw e;
      throw envError('GIT_FAILED', `could not run git in ${this.dir}: it is not a directory`, { cause: e });
    }
    // --no-optional-locks: git status must not refresh and rewrite the project's index (as root, a
    // root-owned file in the user's checkout): the checkout is left exactly as it was. simple-git puts its
    // -c values first; git takes global options in any order before the command.
    return git
      .env(gitEnvironment(env))
      .raw(['--no-optional-locks', ...args])
      .catch((e: unknown) => {
        throw (
          failed ??
          envError('GIT_FAILED', `could not run git in ${this.dir}: ${e instanceof Error ? e.message : String(e)}`, {
            cause: e,
          })
        );
      });
  }

  /** Calls `onRecord` with each NUL-terminated record of a command's output (`-z`), as it is read. */
  async records(args: string[], onRecord: (record: string) => void): Promise<void> {
    let pending: Buffer[] = [];
    await this.stream(args, (chunk) => {
      let start = 0;
      for (let nul = chunk.indexOf(0); nul >= 0; nul = chunk.indexOf(0, start)) {
        onRecord(
          pending.length
            ? Buffer.concat([...pending, chunk.subarray(start, nul)]).toString('utf8')
            : chunk.toString('utf8', start, nul),
        );
        pending = [];
        start = nul + 1;
      }
      if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
    });
  }

  /**
   * A plain spawn, for `records` only: simple-git would keep the whole of stdout (see the top of this file).
   * The same argv, environment and errors as `output`.
   */
  private stream(args: string[], onChunk: (chunk: Buffer) => void): Promise<void> {
    const argv = [...this.config.flatMap((c) => ['-c', c]), '--no-optional-locks', ...args];
    return new Promise((resolve, reject) => {
      const child = spawn('git', argv, { cwd: this.dir, env: gitEnvironment({}), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stdout.on('data', onChunk);
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < STDERR_CAP) stderr += d.toString();
      });
      child.on('error', (e: NodeJS.ErrnoException) => reject(spawnFailed(this.dir, e.message, e.code, e)));
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(failure(this.dir, args, code ?? signal, stderr));
      });
    });
  }
}

/** How much of git's stderr an error keeps (its last lines name the failure). */
const STDERR_CAP = 64 * 1024;

/** git's stderr as `stream` keeps it: chunks are added until 64 KiB are there. */
function cappedStderr(chunks: Buffer[]): string {
  let stderr = '';
  for (const d of chunks) if (stderr.length < STDERR_CAP) stderr += d.toString();
  return stderr;
}

/** A git that exited with a failure: GIT_NOT_OWNED for git's ownership check, else GitFailed. */
function failure(dir: string, args: string[], status: number | string | null, stderr: string): VmError {
  return /detected dubious ownership/.test(stderr) ? notOwned(dir, stderr) : new GitFailed(dir, args, status, stderr);
}

/** A git that could not be started. */
function spawnFailed(dir: string, message: string, code: string | undefined, cause?: Error): VmError {
  return envError('GIT_FAILED', `could not run git in ${dir}: ${message}`, {
    cause,
    hint: code === 'ENOENT' ? 'install git: apt-get install git' : undefined,
  });
}

/**
 * The categories of simple-git's block-unsafe-operations plugin that a call needs, and no others: each is
 * allowed only when the call itself sets what the plugin checks for.
 */
function unsafeNeeded(config: string[], env: Record<string, string>): SimpleGitOptions['unsafe'] {
  const sets = (key: RegExp) => config.some((c) => key.test(c));
  return {
    // core.fsmonitor=false: the override that keeps the repository's fsmonitor program from running.
    ...(sets(/^core\.fsmonitor=/i) && { allowUnsafeFsMonitor: true }),
    // core.hooksPath=/dev/null: the override that keeps the repository's hooks from running.
    ...(sets(/^core\.hookspath=/i) && { allowUnsafeHooksPath: true }),
    // filter.<name>.clean= / .smudge= (empty): the overrides that turn the repository's filter drivers off.
    ...(sets(/^filter\..+\.(clean|smudge)=/i) && { allowUnsafeFilter: true }),
    // The operator's own ssh command, askpass program and proxy command (transportVariables), passed to
    // clone and fetch of the URL they gave: theirs to choose, as with git run by hand.
    ...((env.GIT_SSH !== undefined || env.GIT_SSH_COMMAND !== undefined) && { allowUnsafeSshCommand: true }),
    ...((env.GIT_ASKPASS !== undefined || env.SSH_ASKPASS !== undefined) && { allowUnsafeAskPass: true }),
    ...(env.GIT_PROXY_COMMAND !== undefined && { allowUnsafeGitProxy: true }),
  };
}

/** A git command that exited with a failure: an environment error that names the command and what git said. */
export class GitFailed extends VmError {
  constructor(
    dir: string,
    args: string[],
    status: number | string | null,
    readonly stderr: string,
  ) {
    super(
      'GIT_FAILED',
      3,
      `git ${args.slice(0, 2).join(' ')} failed in ${dir} ` +
        `(${typeof status === 'number' ? `exit ${status}` : status}): ` +
        `${stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
}

/** Which config keys turn off the repository's filter drivers, and the repository's hash size. */
async function disarming(plain: ProjectGit): Promise<{ config: string[]; hashBytes: number; disarmed: boolean }> {
  // core.hookspath is asked for too, though only read here to be skipped: our own -c override of it always
  // matches, so git always prints a record. simple-git waits 50 ms more after a git that printed nothing
  // (its completion plugin), and this call is on the path of every snapshot. Exit 1 (no key set) stays allowed.
  const listed = await plain.output(
    [
      'config',
      '-z',
      '--get-regexp',
      '^(filter\\..+\\.(clean|smudge|process|required)|extensions\\.objectformat|core\\.hookspath)$',
    ],
    [0, 1],
  );
  const drivers = new Set<string>();
  let hashBytes = 20;
  for (const item of listed.split('\0').filter(Boolean)) {
    const [key = '', value = ''] = item.split('\n');
    if (key === 'extensions.objectformat' && value.toLowerCase() === 'sha256') hashBytes = 32;
    const driver = DRIVER_KEY.exec(key)?.[1];
    if (driver !== undefined) drivers.add(driver);
  }
  // `-c name=value` splits at the first "=": a driver named with one cannot be overridden that way.
  const disarmed = [...drivers].every((d) => !d.includes('='));
  const config = [
    ...ALWAYS,
    ...[...drivers]
      .filter((d) => !d.includes('='))
      .flatMap((d) => [...DRIVER_KEYS.map((k) => `filter.${d}.${k}=`), `filter.${d}.required=false`]),
  ];
  return { config, hashBytes, disarmed };
}

/**
 * git's own guard (CVE-2022-24765) stays on: as root, it works only in a repository root owns, or the one of
 * the user sudo was run by (SUDO_UID), or one the operator listed in safe.directory. vmatrix does not widen it.
 */
function notOwned(dir: string, stderr: string): VmError {
  const at = /dubious ownership in repository at '([^']*)'/.exec(stderr)?.[1] ?? dir;
  return envError(
    'GIT_NOT_OWNED',
    `git refuses to work in ${at}: it belongs to another user than the one running vmatrix`,
    {
      hint:
        `run vmatrix with sudo as that user (git then trusts the checkout), or, if you trust it, git config ` +
        `--global --add safe.directory ${at}`,
    },
  );
}

/** The operator's own ways to reach a remote (ssh command, askpass): theirs to choose, for a URL they gave. */
function transportVariables(): Record<string, string> {
  const names = ['GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT', 'GIT_ASKPASS', 'GIT_PROXY_COMMAND', 'SSH_ASKPASS'];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] === undefined ? [] : [[n, process.env[n]]])));
}

/**
 * Variables git's own commands here never use but simple-git's plugin refuses to pass on: an editor and a
 * pager (git starts neither when stdout is a pipe and nothing is edited), PREFIX (git does not read it)
 * and SSH_ASKPASS (ssh's, so only clone and fetch get it, from transportVariables).
 */
const NOT_PASSED = new Set([
  'editor',
  'git_editor',
  'pager',
  'git_pager',
  'prefix',
  'ssh_askpass',
  'git_sequence_editor',
]);

/**
 * The caller's environment without GIT_* variables (GIT_DIR and friends would point git elsewhere, GIT_CONFIG_*
 * would add config), and with no prompt: a clone that needs a password fails rather than waits on a terminal.
 * `extra` (GIT_INDEX_FILE, transportVariables) is added last.
 */
function gitEnvironment(extra: Record<string, string>): Record<string, string> {
  const kept = Object.entries(process.env).filter(
    ([name, value]) => value !== undefined && !name.startsWith('GIT_') && !NOT_PASSED.has(name.toLowerCase().trim()),
  );
  return { ...(Object.fromEntries(kept) as Record<string, string>), GIT_TERMINAL_PROMPT: '0', ...extra };
}
