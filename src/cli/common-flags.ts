import { Flags } from './oclif.js';

// The flags several commands share, written once so that their names, short forms and wording agree.

/** `--config`/`-c`: the project's config file. */
export const configFlag = Flags.string({ char: 'c', description: 'Path of the config file.', default: 'vmatrix.yml' });

/** `--set axis=value`: narrows `vmatrix run` and `vmatrix shell` to one cell of the distro. */
export const setFlag = Flags.string({
  description: 'Pick the cell whose matrix axis has this value (axis=value). Repeatable.',
  multiple: true,
});

/** `--allow-host-network`: the one way a config's `network: host` is honoured. */
export const allowHostNetworkFlag = Flags.boolean({
  description:
    "Let the config's `network: host` give test steps the host's own network (loopback " +
    'services, addresses, cloud metadata); without it such a config is refused.',
});
