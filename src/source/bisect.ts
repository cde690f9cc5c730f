import { join } from 'node:path';
import { isVmError, usageError } from '../util/errors.js';
import { GitFailed, ProjectGit } from './git.js';

// `vmatrix bisect`'s git side: `git bisect` of the project, run in a bare clone in the store that borrows the
// project's objects (`clone --shared`), so that the user's repository, index and working tree are never
// written (no BISECT_* file, no checkout, no moved HEAD). The commits are resolved in the user's repository
// first, so HEAD~5, a tag or a detached HEAD mean what they mean there. `--no-checkout`: git only moves
// BISECT_HEAD, and vmatrix snapshots that commit for the cell itself. The clone lives in a store staging dir,
// which the store's sweep removes if vmatrix is killed before it does.

/** What git said after a verdict: test another commit, the first bad one, or only skipped commits are left. */
export type BisectState =
  | { kind: 'next'; commit: string; left: number; steps: number }
  | { kind: 'found'; commit: string }
  | { kind: 'ambiguous'; candidates: string[] };

export type Verdict = 'good' | 'bad' | 'skip';

const C = { LC_ALL: 'C', LANG: 'C', LANGUAGE: 'C' };

export class Bisection {
  private constructor(
    private readonly git: ProjectGit,
    /** The clone's dir (inside a store staging dir). */
    readonly dir: string,
    /** The project's directory in the repository: "" at its top, else ending in "/". */
    readonly prefix: string,
  ) {}

  /**
   * Clones the repository of `projectDir` into `staging` and starts a bisection between `good` and `bad`
   * (full commit ids); NOT_AN_ANCESTOR (exit 2) when `good` is not an ancestor of `bad`.
   */
  static async start(
    projectDir: string,
    staging: string,
    good: string,
    bad: string,
  ): Promise<[Bisection, BisectState]> {
    const user = await ProjectGit.repository(projectDir);
    const [gitDir, prefix = ''] = (await user.output(['rev-parse', '--absolute-git-dir', '--show-prefix'])).split('\n');
    const dir = join(staging, 'repo.git');
    const git = await ProjectGit.cloneShared(gitDir, dir);
    if (good === bad || !(await isAncestor(git, good, bad))) {
      throw usageError(
        'NOT_AN_ANCESTOR',
        `--good ${good.slice(0, 12)} is not an earlier commit of --bad ${bad.slice(0, 12)}`,
        {
          hint:
            'give --good a commit that passes and --bad a later one on the same line of history ' +
            '(git log --oneline --graph shows it)',
        },
      );
    }
    const b = new Bisection(git, dir, prefix.trim());
    return [b, b.state(await git.output(['bisect', 'start', '--no-checkout', bad, good], [0], C))];
  }

  /** Marks the commit under test, and says what comes next. */
  async mark(verdict: Verdict): Promise<BisectState> {
    // Exit 2: only skipped commits are left, and git lists those that could be the first bad one.
    return this.state(await this.git.output(['bisect', verdict], [0, 2], C));
  }

  /** A commit's subject line (project text: display it through inert()). */
  async subject(commit: string): Promise<string> {
    return (await this.git.output(['log', '-1', '--format=%s', commit])).trim();
  }

  /** The content of `path` at `commit`, or undefined when that commit has no such file. */
  async fileAt(commit: string, path: string): Promise<string | undefined> {
    return this.git.output(['cat-file', 'blob', `${commit}:${path}`]).catch((e: unknown) => {
      if (e instanceof GitFailed) return undefined;
      throw e;
    });
  }

  /** How many commits lie after `good` up to and including `bad`: what a bisection searches. */
  async span(good: string, bad: string): Promise<number> {
    return Number((await this.git.output(['rev-list', '--count', `${good}..${bad}`])).trim());
  }

  private state(out: string): BisectState {
    const found = /^([0-9a-f]{40,64}) is the first bad commit$/m.exec(out);
    if (found) return { kind: 'found', commit: found[1] };
    if (/could be any of:/.test(out)) {
      const after = out.slice(out.indexOf('could be any of:'));
      return { kind: 'ambiguous', candidates: [...after.matchAll(/^([0-9a-f]{40,64})$/gm)].map((m) => m[1]) };
    }
    const next =
      /^Bisecting: (\d+) revisions? left to test after this \(roughly (\d+) steps?\)\n\[([0-9a-f]{40,64})\]/m.exec(out);
    if (!next) throw new Error(`git bisect said something vmatrix does not understand: ${out.slice(0, 300)}`);
    return { kind: 'next', commit: next[3], left: Number(next[1]), steps: Number(next[2]) };
  }
}

/** NOT_A_GIT_REPO (exit 2) when `projectDir` is in no git repository: there is no history to bisect. */
export async function requireRepository(projectDir: string): Promise<void> {
  await ProjectGit.open(projectDir).catch((e: unknown) => {
    throw isVmError(e) && e.code === 'NOT_A_GIT_REPO'
      ? usageError('NOT_A_GIT_REPO', `${projectDir} is not inside a git repository: there is no history to bisect`, {
          hint: 'vmatrix bisect runs git bisect of the project: run it in a clone of the project',
        })
      : e;
  });
}

async function isAncestor(git: ProjectGit, a: string, b: string): Promise<boolean> {
  try {
    await git.output(['merge-base', '--is-ancestor', a, b]);
    return true;
  } catch (e) {
    if (e instanceof GitFailed) return false;
    throw e;
  }
}
