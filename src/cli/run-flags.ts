import { Args, Flags } from './oclif.js';
import { allowHostNetworkFlag, configFlag, setFlag } from './common-flags.js';

// `vmatrix run`'s manual: its summary, description, examples and flags (commands/run.ts is the command).

export const runSummary = 'Run one command in a fresh cell and print its output.';

export const runDescription = [
  'In the directory of a vmatrix.yml whose matrix uses the distro, the command runs in that ' +
    "distro's cell (narrowed with --set):",
  'its setup layer, the project at the workdir, the matrix variables and the test user, exactly as a test step would.',
  "Elsewhere, or for another distro, it runs in a bare cell of the distro's image (fetched or built on first use).",
  "The cell is removed when the command ends; the exit status is the command's (128+n when it died of signal n).",
].join(' ');

export const runExamples = [
  '<%= config.bin %> run debian-12 -- cat /etc/os-release',
  {
    description: 'In the debian-11 cell where the axis cc is clang',
    command: '<%= config.bin %> run debian-11 --set cc=clang -- make check',
  },
  {
    description: 'With the host network (default: loopback only)',
    command: '<%= config.bin %> run debian-11 --network host -- apt-get update',
  },
];

export const runArgs = {
  distro: Args.string({ description: 'Distro name or alias (see vmatrix distros), or a cell id.', required: true }),
};

export const runFlags = {
  set: setFlag,
  config: configFlag,
  network: Flags.string({
    description: "Network of the cell (default: the config's network; none for a bare cell).",
    options: ['none', 'host'],
  }),
  'allow-host-network': allowHostNetworkFlag,
  env: Flags.string({
    char: 'e',
    description: 'Set an environment variable in the cell (NAME=VALUE). Repeatable.',
    multiple: true,
  }),
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
  arch: Flags.string({
    description: "Architecture of the image (default: the host's); a foreign one needs qemu-user binfmt.",
  }),
};
