// A git repository of many small files, made in seconds: one `git fast-import` stream commits them all (into
// one pack, not a loose object per file), then one checkout writes the working tree and the index. Shared by
// the tests and the benchmarks of large projects (plain JavaScript, for test/bench).
import { execFileSync, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';

const PER_DIR = 200;

/** The path of file `n` of a repository made by manyFilesRepo: `d<n / 200>/f<n % 200>.txt`. */
export function pathOf(n) {
  return `d${Math.floor(n / PER_DIR)}/f${n % PER_DIR}.txt`;
}

/** The content of file `n`, unique to it. */
export function contentOf(n) {
  return `file ${n}\n`;
}

/** Makes `dir` a repository of `count` committed and checked-out files (pathOf, contentOf) on branch main. */
export async function manyFilesRepo(dir, count) {
  await mkdir(dir, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  git('init', '-q', '-b', 'main');
  // glibc gives memory back to the kernel after each blob unless told to keep some; on some VMs that costs
  // a syscall of ~70 µs per file, most of the stream's time.
  const child = spawn('git', ['fast-import', '--quiet'], {
    cwd: dir,
    env: { ...process.env, MALLOC_TOP_PAD_: String(64 << 20) },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`))));
  });
  const write = (text) => (child.stdin.write(text) ? undefined : new Promise((r) => child.stdin.once('drain', r)));
  await write(
    'commit refs/heads/main\ncommitter vmatrix tests <test@example.invalid> 0 +0000\ndata 15\nmany files, 1\n\n',
  );
  let chunk = '';
  for (let n = 0; n < count; n++) {
    const content = contentOf(n);
    chunk += `M 100644 inline ${pathOf(n)}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  child.stdin.end();
  await done;
  git('checkout', '-q', '-f', 'main');
  // The checkout writes the last files and the index within one tick of the clock, so git holds those entries
  // as "racily clean" and re-reads them on every status until the index is written again later than they were.
  // A status a moment later does that (git rewrites an index with racy entries when it can), as a user's would.
  await new Promise((r) => setTimeout(r, 1_100));
  git('status', '--porcelain');
  return dir;
}
