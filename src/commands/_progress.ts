import type { ImageProgress } from '../images/index.js';
import { DownloadLine } from '../report/download-line.js';
import { inert, inertLine } from '../util/inert.js';

/** Image progress on stderr for the commands without a reporter (run, image pull): messages, and a download line. */
export function stderrImageProgress(): ImageProgress {
  const line = new DownloadLine(process.stderr);
  return (e) => {
    if (e.phase === 'download' && e.bytes !== undefined) line.update({ ...e, scope: e.distro, bytes: e.bytes });
    if (!e.message) return;
    line.clear();
    process.stderr.write(`${inertLine(e.distro)}: ${inert(e.message)}\n`);
  };
}
