// session/: `vmatrix shell` and `vmatrix run` — one interactive or one-command cell on a distro, a matrix
// cell (its setup layer) or a kept cell's writes, with the terminal passed through.
export { runSession, type SessionOptions } from './session.js';
