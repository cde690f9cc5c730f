import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { envError, usageError, VmError } from '../util/errors.js';

// git on a project vmatrix does not trust. A repository's own config (.git/config, which comes with any
// checkout one is handed) can name programs that git runs on the side: core.fsmonitor on every read of the
// index, a filter driver's clean command when `git status` compares a file's content, hooks such as
// post-index-change when it writes the index. Every call here overrides those on the command line, where
// they win over every config file, and runs with none of the caller's GIT_* variables (GIT_DIR and
// friends would point git elsewhere). Every git call vmatrix makes goes through here: the working tree's
// snapshot (open), a commit's (repository: read-tree runs hooks, checkout-index smudges) and the clone and
// fetch of a --repo URL. Output is read as it comes, record by record, not kept whole.

const ALWAYS = [
  'core.fsmonitor=false', 'core.hooksPath=/dev/null',
  // What `status` compares, as git's defaults: no stat field ignored, no entry trusted without a look.
  'core.checkStat=default', 'core.trustctime=true', 'core.fileMode=true', 'core.ignoreStat=false',
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
      plain.output(['rev-parse', '--is-inside-work-tree', '--show-prefix', '--git-path', 'index']).catch((e: unknown) => {
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
      throw usageError('GIT_FILTER_NOT_DISARMED', `${dir}: its git config names a filter driver with "=" in its name, which vmatrix cannot turn off`, {
        hint: 'rename or remove that filter.<name>.* section of the repository\'s config (git config -l lists it)',
      });
    }
    return new ProjectGit(dir, armed.config, armed.hashBytes, true, '', '');
  }

  /** A bare clone of `url` at `dir` (made here, so its config is vmatrix's own). */
  static async cloneBare(url: string, dir: string): Promise<ProjectGit> {
    await new ProjectGit(process.cwd(), ALWAYS, 20, false, '', '').output(['clone', '--bare', '--', url, dir], [0], transportVariables());
    return ProjectGit.repository(dir);
  }

  /** Fetches every branch and tag of a bare clone's origin, with the operator's ssh and askpass settings. */
  async fetchAll(): Promise<void> {
    await this.output(['fetch', '--prune', '--tags', 'origin', '+refs/heads/*:refs/heads/*'], [0], transportVariables());
  }

  /** A command's whole output, for the small ones; `ok` lists the exit codes that are not failures; `env` adds variables (GIT_INDEX_FILE). */
  async output(args: string[], ok: number[] = [0], env: Record<string, string> = {}): Promise<string> {
    const chunks: Buffer[] = [];
    await this.stream(args, (chunk) => chunks.push(chunk), ok, env);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Calls `onRecord` with each NUL-terminated record of a command's output (`-z`), as it is read. */
  async records(args: string[], onRecord: (record: string) => void): Promise<void> {
    let pending: Buffer[] = [];
    await this.stream(args, (chunk) => {
      let start = 0;
      for (let nul = chunk.indexOf(0); nul >= 0; nul = chunk.indexOf(0, start)) {
        onRecord(pending.length ? Buffer.concat([...pending, chunk.subarray(start, nul)]).toString('utf8') : chunk.toString('utf8', start, nul));
        pending = [];
        start = nul + 1;
      }
      if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
    });
  }

  private stream(args: string[], onChunk: (chunk: Buffer) => void, ok: number[] = [0], env: Record<string, string> = {}): Promise<void> {
    // --no-optional-locks: git status must not refresh and rewrite the project's index (as root, a
    // root-owned file in the user's checkout): the checkout is left exactly as it was.
    const argv = ['--no-optional-locks', ...this.config.flatMap((c) => ['-c', c]), ...args];
    return new Promise((resolve, reject) => {
      const child = spawn('git', argv, { cwd: this.dir, env: { ...withoutGitVariables(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stdout.on('data', onChunk);
      child.stderr.on('data', (d: Buffer) => { if (stderr.length < 64 * 1024) stderr += d.toString(); });
      child.on('error', (e: NodeJS.ErrnoException) => reject(envError('GIT_FAILED', `could not run git in ${this.dir}: ${e.message}`, {
        cause: e, hint: e.code === 'ENOENT' ? 'install git: apt-get install git' : undefined,
      })));
      child.on('close', (code, signal) => {
        if (code !== null && ok.includes(code)) resolve();
        else reject(/detected dubious ownership/.test(stderr) ? notOwned(this.dir, stderr) : new GitFailed(this.dir, args, code ?? signal, stderr));
      });
    });
  }
}

/** A git command that exited with a failure: an environment error that names the command and what git said. */
export class GitFailed extends VmError {
  constructor(dir: string, args: string[], status: number | string | null, readonly stderr: string) {
    super('GIT_FAILED', 3, `git ${args.slice(0, 2).join(' ')} failed in ${dir} (${typeof status === 'number' ? `exit ${status}` : status}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
}

/** Which config keys turn off the repository's filter drivers, and the repository's hash size. */
async function disarming(plain: ProjectGit): Promise<{ config: string[]; hashBytes: number; disarmed: boolean }> {
  // Exit 1: none of these keys is set.
  const listed = await plain.output(['config', '-z', '--get-regexp', '^(filter\\..+\\.(clean|smudge|process|required)|extensions\\.objectformat)$'], [0, 1]);
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
  const config = [...ALWAYS, ...[...drivers].filter((d) => !d.includes('=')).flatMap((d) => [...DRIVER_KEYS.map((k) => `filter.${d}.${k}=`), `filter.${d}.required=false`])];
  return { config, hashBytes, disarmed };
}

/**
 * git's own guard (CVE-2022-24765) stays on: as root, it works only in a repository root owns, or the one of
 * the user sudo was run by (SUDO_UID), or one the operator listed in safe.directory. vmatrix does not widen it.
 */
function notOwned(dir: string, stderr: string): VmError {
  const at = /dubious ownership in repository at '([^']*)'/.exec(stderr)?.[1] ?? dir;
  return envError('GIT_NOT_OWNED', `git refuses to work in ${at}: it belongs to another user than the one running vmatrix`, {
    hint: `run vmatrix with sudo as that user (git then trusts the checkout), or, if you trust it, git config --global --add safe.directory ${at}`,
  });
}

/** The operator's own ways to reach a remote (ssh command, askpass): theirs to choose, for a URL they gave. */
function transportVariables(): Record<string, string> {
  const names = ['GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT', 'GIT_ASKPASS', 'GIT_PROXY_COMMAND'];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] === undefined ? [] : [[n, process.env[n]!]])));
}

/**
 * The caller's environment without GIT_* variables (GIT_DIR and friends would point git elsewhere, GIT_CONFIG_*
 * would add config), and with no prompt: a clone that needs a password fails rather than waits on a terminal.
 */
function withoutGitVariables(): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))), GIT_TERMINAL_PROMPT: '0' };
}
