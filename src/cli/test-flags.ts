import { Flags } from './oclif.js';
import { allowHostNetworkFlag, configFlag } from './common-flags.js';

// `vmatrix test`'s manual: its summary, description, examples and flags (commands/test.ts is the command).

export const testSummary = 'Run the test matrix: every distro × axis cell in its own copy-on-write container.';
export const testDescription = [
  "Reads vmatrix.yml, expands the cells, obtains each distro's image once, installs the packages once",
  'per distro (cached as a layer: the next run does no package-manager work), then runs the test commands of',
  'every cell in parallel. Each cell sees the project at /src as its own writable copy: builds never reach',
  'your checkout or another cell. Logs and results.json are written under .vmatrix/runs/<run-id>/.',
  '',
  'Exit status: 0 all cells passed, 1 a cell failed, 2 bad config or flags, 3 a host problem (see vmatrix doctor).',
].join('\n');

export const testExamples = [
  { description: 'Run every cell, as many at a time as there are CPUs', command: '<%= config.bin %> test' },
  {
    description: 'Only the Debian 12 cells, two at a time',
    command: '<%= config.bin %> test --only "debian-12/*" --jobs 2',
  },
  { description: 'Only the cells where build=Debug', command: '<%= config.bin %> test --only build=Debug' },
  {
    description: 'Only the big-endian cells of `arch: [amd64, i386, s390x]` (s390x runs through qemu-user)',
    command: '<%= config.bin %> test --arch s390x',
  },
  {
    description: "The project as it was at tag v1.2 (with today's matrix)",
    command: '<%= config.bin %> test --ref v1.2',
  },
  {
    description: 'Another repository at a release, with its own vmatrix.yml',
    command: '<%= config.bin %> test --repo https://example.org/lib.git --ref v2.0.1',
  },
  {
    description: 'Keep the failed cells, then look at what one left',
    command: '<%= config.bin %> test --keep failed; <%= config.bin %> shell --run latest debian-12/cc=gcc',
  },
  {
    description: 'Give failing cells two more tries, and stop everything at the first cell that still fails',
    command: '<%= config.bin %> test --retries 2 --fail-fast',
  },
  {
    description: 'On CI runner 2 of 3: its part of the matrix (then vmatrix report --merge joins the parts)',
    command: '<%= config.bin %> test --shard 2/3',
  },
  {
    description: 'Exactly one cell, as a CI job per cell does',
    command: '<%= config.bin %> test --cell debian-12/cc=gcc',
  },
  {
    description: "Watch one cell's output as it runs, the others on the board",
    command: '<%= config.bin %> test --follow debian-12/cc=gcc',
  },
  {
    description: 'A log-friendly block per cell even on a terminal, without colour',
    command: '<%= config.bin %> test --reporter plain --no-color',
  },
];

export const testFlags = {
  config: configFlag,
  jobs: Flags.integer({ char: 'j', description: 'Cells run at once (default: number of CPUs).', min: 1 }),
  only: Flags.string({
    description: 'Run only cells matching: a cell id, a glob (debian-*), or axis=value. Repeatable.',
    multiple: true,
  }),
  distro: Flags.string({
    description: 'Run only the cells of this distro (a name or alias). Repeatable.',
    multiple: true,
  }),
  cell: Flags.string({
    description: 'Run exactly this cell (its id, as vmatrix matrix prints it). Repeatable.',
    multiple: true,
    exclusive: ['only', 'shard'],
  }),
  shard: Flags.string({
    description:
      'Run part i of N (1-based, e.g. 2/3) of the cells: every runner of a CI matrix computes ' +
      'the same split, balanced by the last known durations.',
  }),
  durations: Flags.string({
    description:
      'The results.json whose cell durations balance --shard and order cells slowest first ' +
      "(default: the project's last full run, if any).",
  }),
  runtime: Flags.string({
    description: 'OCI runtime to use instead of the detected one.',
    options: ['runc', 'crun'],
  }),
  'allow-host-network': allowHostNetworkFlag,
  offline: Flags.boolean({
    description: 'Use only images already in the store; a missing one is an error, not a download.',
  }),
  arch: Flags.string({
    description:
      "Run only the cells of these arches (Debian's names: amd64, i386, arm64, armhf, ppc64el, s390x, riscv64); " +
      "with no `arch:` in vmatrix.yml, run its cells on them instead of the host's. Repeatable, or comma-separated. " +
      'A foreign arch runs through qemu-user: vmatrix doctor says which can run here.',
    multiple: true,
    delimiter: ',',
  }),
  ref: Flags.string({
    description:
      "Test this commit, branch or tag instead of the working tree (with today's vmatrix.yml; " +
      "with --repo, the repository's own at that commit).",
  }),
  repo: Flags.string({
    description:
      'Test another repository (a URL, cloned into the store and fetched on later runs, or a ' +
      'path), at --ref (default HEAD).',
  }),
  rebuild: Flags.boolean({
    description: 'Build the setup layers of these cells again, even when cached; the new layer replaces the old one.',
  }),
  keep: Flags.string({
    description:
      'Keep what these cells wrote (their root and project copy), to open a shell on it: vmatrix ' +
      'shell --run <run-id> <cell>.',
    options: ['none', 'failed', 'all'],
    default: 'none',
  }),
  retries: Flags.integer({
    description:
      'Run a failed or timed-out cell again, in a fresh cell, up to N more times (default: ' +
      'retries: of vmatrix.yml, else 0); one that then passes is flaky.',
    min: 0,
    max: 10,
  }),
  reporter: Flags.string({
    description:
      'How progress is shown: tty (a live board, redrawn in place) or plain (a block per cell as ' +
      'it ends, for logs). Default: tty when stdout is a terminal.',
    options: ['tty', 'plain'],
  }),
  color: Flags.boolean({
    description: 'Colour the output (default: on a terminal, unless NO_COLOR is set).',
    allowNo: true,
  }),
  follow: Flags.string({
    description:
      "Stream this cell's output live to stdout, each line prefixed by the cell id, while the " +
      'others are reported as usual.',
  }),
  verbose: Flags.boolean({
    char: 'v',
    description: "Stream a cell's output live: --follow's cell, else the first cell of the run.",
  }),
  grace: Flags.integer({
    description: 'Seconds the running cells get to finish after a first Ctrl-C, before they are killed.',
    default: 10,
    min: 0,
  }),
  output: Flags.string({
    description: 'Directory for the run directories (results.json, logs, reports) instead of .vmatrix/runs.',
  }),
  'max-memory': Flags.string({
    description:
      'The most memory a cell may use, setup cells included (a size such as 16g; default: ' +
      "$VMATRIX_MAX_MEMORY, else half the host's memory). resources.memory of vmatrix.yml may " +
      'only ask for less.',
  }),
  'max-pids': Flags.integer({
    description:
      'The most processes (threads included) a cell may have, setup cells included (default: ' +
      '$VMATRIX_MAX_PIDS, else 4096). resources.pids of vmatrix.yml may only ask for fewer.',
    min: 1,
  }),
  'fail-fast': Flags.boolean({
    description:
      'At the first failing cell (after its retries), cancel the queued cells and kill the ' +
      'running ones; the results are still written.',
  }),
};
