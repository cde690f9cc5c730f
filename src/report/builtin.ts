import { GithubReporter } from './github.js';
import { HtmlReporter } from './html-reporter.js';
import { JsonReporter } from './json.js';
import { JunitReporter } from './junit-reporter.js';
import { PlainReporter } from './plain.js';
import { FollowReporter, TtyReporter } from './tty.js';
import type { ReporterFactory } from './types.js';

// The reporters vmatrix comes with, by name (see registry.ts). A run shows its progress with one of the
// first kind (--reporter) and has every one of the second.

export const PROGRESS_REPORTERS: Record<string, ReporterFactory> = {
  /** The live board on a terminal, with `--follow`'s cell scrolling above it. */
  tty: ({ out, color, follow }) => TtyReporter.create(out, { color, follow }),
  /** A stamped block per cell as it ends, for logs. */
  plain: ({ out, err, projectDir, color }) =>
    new PlainReporter(out, err, projectDir, { color, clock: () => new Date() }),
  /** `--follow`'s cell's output on stdout, beside the plain reporter. */
  follow: ({ out, follow }) => (follow === undefined ? undefined : new FollowReporter(out, follow)),
};

export const OUTPUT_REPORTERS: Record<string, ReporterFactory> = {
  json: () => new JsonReporter(),
  html: ({ projectDir }) => new HtmlReporter(projectDir),
  junit: ({ projectDir, err }) => new JunitReporter(projectDir, err),
  github: ({ projectDir, out, err, env, earlier }) =>
    GithubReporter.enabled(env) ? new GithubReporter(projectDir, out, err, env, earlier) : undefined,
};
