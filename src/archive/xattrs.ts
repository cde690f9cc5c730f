import { spawn } from 'node:child_process';
import { envError } from '../util/errors.js';

// Node has no xattr API, so extended attributes are set by `setfattr` (package attr). The file is handed
// over as an open descriptor (the child's fd 3) and named /proc/self/fd/3: the attribute lands on exactly
// the inode we created, whatever happens to the path meanwhile. Only allow-listed attributes get here, and
// a Debian root has almost none (file capabilities such as ping's), so one process per attribute is cheap.

export async function setXattrsOnFd(fd: number, xattrs: Array<[string, Buffer]>, what: string): Promise<void> {
  for (const [name, value] of xattrs) {
    const args = ['-n', name, ...(value.length ? ['-v', `0s${value.toString('base64')}`] : []), '/proc/self/fd/3'];
    const { code, stderr } = await runWithFd('setfattr', args, fd);
    if (code !== 0) {
      throw envError('XATTR_FAILED', `setting the extended attribute ${name} on ${what} failed: ${stderr.trim()}`, {
        hint: 'the store\'s filesystem must support extended attributes (ext4, xfs and btrfs do)',
      });
    }
  }
}

function runWithFd(cmd: string, args: string[], fd: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT'
      ? envError('PROGRAM_NOT_FOUND', 'setfattr is not installed on this host; it is needed to keep file capabilities (ping) and user.* attributes', {
        hint: 'install it: apt-get install attr', cause: e,
      })
      : e));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
