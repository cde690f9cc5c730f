// The CLI's start-up: the whole call of `vmatrix --version` (Node's start, oclif's config from the manifest,
// the command's module) vs the whole call of `node -e 0` (Node's start alone), both spawned from here. Issue
// 17: every command pays this before it does anything, so it is measured on the cheapest command.
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');

/** Runs `node args…` to its end; rejects on a non-zero exit. */
const node = (args) =>
  new Promise((resolvePromise, reject) => {
    execFile(process.execPath, args, (err) => (err ? reject(err) : resolvePromise(undefined)));
  });

export const startupCases = [
  {
    name: 'start-up',
    description: '`vmatrix --version`, the whole call, vs `node -e 0`',
    baseline: 'node -e 0',
    target: 1.6,
    rounds: 40,
    variants: {
      'vmatrix --version': () => node([cli, '--version']),
      'node -e 0': () => node(['-e', '0']),
    },
  },
  {
    name: 'start-up help',
    description: '`vmatrix --help`, the whole call, vs `node -e 0`',
    baseline: 'node -e 0',
    rounds: 20,
    variants: {
      'vmatrix --help': () => node([cli, '--help']),
      'node -e 0': () => node(['-e', '0']),
    },
  },
];
