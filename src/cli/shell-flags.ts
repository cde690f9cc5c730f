import { Args, Flags } from './oclif.js';
import { allowHostNetworkFlag, configFlag, setFlag } from './common-flags.js';

// `vmatrix shell`'s manual: its summary, description, examples and flags (commands/shell.ts is the command).

export const shellSummary = "Open an interactive shell in exactly one cell's environment.";

export const shellDescription = [
  "The cell has what a test step of that cell has: the distro's image, the setup layer (packages " +
    'and setup commands, built if needed),',
  'the project at the workdir (copy-on-write: the checkout is never changed), the matrix ' +
    'variables and the test user. It is a real',
  'terminal: the window size follows yours and Ctrl-C goes to the program in the cell. ' +
    'Everything written in the cell is dropped when',
  'the shell exits. Without a vmatrix.yml, or for a distro the matrix does not use, the shell is ' +
    'in a bare cell of that distro.',
].join(' ');

export const shellExamples = [
  {
    description: 'The first cell of debian-11 (in the directory of vmatrix.yml)',
    command: '<%= config.bin %> shell debian-11',
  },
  {
    description: 'The debian-11 cell where the matrix axis cc is clang',
    command: '<%= config.bin %> shell debian-11 --set cc=clang',
  },
  {
    description: 'A cell by its id, as `vmatrix matrix` prints it',
    command: '<%= config.bin %> shell "debian-12/build=Release,std=17"',
  },
  {
    description: "Run one command in the cell's terminal instead of a shell",
    command: '<%= config.bin %> shell debian-12 -- make check',
  },
  {
    description: 'A booted Debian 12: systemd is PID 1, and the shell opens once the system is up',
    command: '<%= config.bin %> shell --boot debian-12',
  },
  { description: 'A bare Alpine cell, no project', command: '<%= config.bin %> shell alpine-3.20' },
  {
    description: 'What a failed cell left, after `vmatrix test --keep failed`',
    command: '<%= config.bin %> shell --run latest debian-12/cc=gcc',
  },
];

export const shellArgs = {
  target: Args.string({
    description: 'A cell id, a distro name or alias (narrowed with --set), or nothing for the first cell.',
  }),
};

export const shellFlags = {
  run: Flags.string({
    description:
      'Open the shell on what a cell of this run (kept with `vmatrix test --keep`) left behind; ' +
      '`latest` for the newest run.',
  }),
  set: setFlag,
  config: configFlag,
  network: Flags.string({
    description: "Network of the cell (default: the config's network; host for a bare cell).",
    options: ['none', 'host'],
  }),
  'allow-host-network': allowHostNetworkFlag,
  runtime: Flags.string({
    description: 'OCI runtime to use instead of the detected one.',
    options: ['runc', 'crun'],
  }),
  offline: Flags.boolean({ description: 'Use only images already in the store; never touch the network.' }),
  boot: Flags.boolean({
    description:
      "Boot the cell's init first (systemd on Debian) and run in the booted system; its init's packages are " +
      "installed in a setup layer (default: the config's boot:).",
  }),
  arch: Flags.string({ description: "Architecture of the image (default: the host's)." }),
};
