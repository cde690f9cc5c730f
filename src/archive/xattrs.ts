import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { envError } from '../util/errors.js';

// Node has no xattr API, so extended attributes are set by `setfattr` (package attr): one process for a
// batch of files, fed a `getfattr --dump` text on stdin (`setfattr --restore=-`). Each file is named
// /proc/<our pid>/fd/<n>, a descriptor we hold on exactly the inode we created: the attribute lands there
// whatever happens to the path meanwhile. A process per attribute cost ~15 ms each: 4000 attributes took
// over a minute, and an archive could ask for that on every file.

/** Files per setfattr process: bounded so that the descriptors held open stay well under RLIMIT_NOFILE. */
const BATCH_FILES = 128;

interface Pending {
  fd: number;
  xattrs: Array<[string, Buffer]>;
  what: string;
}

export class XattrBatch {
  private pending: Pending[] = [];

  /** Queues `xattrs` for the inode open at `fd`; the batch now owns `fd` and closes it. */
  add(fd: number, xattrs: Array<[string, Buffer]>, what: string): void {
    this.pending.push({ fd, xattrs, what });
  }

  get full(): boolean {
    return this.pending.length >= BATCH_FILES;
  }

  /** Sets every queued attribute with one setfattr, then closes the descriptors. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const { code, stderr } = await restore(dump(batch));
      if (code !== 0) throw failed(batch, stderr);
    } finally {
      for (const p of batch) closeSync(p.fd);
    }
  }

  /** After an error: closes the descriptors, sets nothing. */
  discard(): void {
    for (const p of this.pending.splice(0)) closeSync(p.fd);
  }
}

function procPath(fd: number): string {
  return `/proc/${process.pid}/fd/${fd}`;
}

/** The `getfattr --dump` text setfattr restores: names octal-escaped as getfattr writes them, values base64. */
function dump(batch: Pending[]): string {
  const lines: string[] = [];
  for (const { fd, xattrs } of batch) {
    lines.push(`# file: ${procPath(fd)}`);
    for (const [name, value] of xattrs)
      lines.push(value.length ? `${quote(name)}=0s${value.toString('base64')}` : quote(name));
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** Bytes outside printable ASCII, `=` and `\` as `\ooo`: a name from an archive cannot break the line. */
function quote(name: string): string {
  let out = '';
  for (const b of Buffer.from(name, 'utf8')) {
    out +=
      b > 0x20 && b < 0x7f && b !== 0x3d && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

function failed(batch: Pending[], stderr: string): Error {
  const first = /\/proc\/\d+\/fd\/(\d+): (.*)/.exec(stderr);
  const p = first ? batch.find((x) => x.fd === Number(first[1])) : undefined;
  const where = p ? `${p.what}: ${first![2]}` : stderr.trim() || 'setfattr failed';
  return envError('XATTR_FAILED', `setting extended attributes failed on ${where}`, {
    hint: "the store's filesystem must support extended attributes (ext4, xfs and btrfs do)",
  });
}

function restore(text: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('setfattr', ['--restore=-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8192);
    });
    child.stdin.on('error', () => {}); // EPIPE if it exits early: its status says why
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? envError(
              'PROGRAM_NOT_FOUND',
              'setfattr is not installed on this host; it is needed to keep file capabilities (ping) and user.* ' +
                'attributes',
              {
                hint: 'install it: apt-get install attr',
                cause: e,
              },
            )
          : e,
      ),
    );
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(text);
  });
}
