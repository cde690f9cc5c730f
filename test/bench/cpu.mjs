// A CPU-bound program in a cell vs the same program on the host: busybox `gzip -9` compressing the same file
// with the same binary (the root's busybox is the host's static one, read from the root on both sides). Both
// sides time the program alone, between lines the shell prints before and after it, so the cell's start
// and teardown (the lifecycle case's subject) stay out; the whole call is recorded too, as `wall`, and the
// program's CPU time, as `cpu`: it is what namespaces and cgroups could add to, and other jobs on the
// machine disturb it far less than the wall-clock time.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lineClock } from './exec.mjs';
import { fixtureSteps, runInCell } from './busybox.mjs';

// ~2.5-3 s of busybox gzip -9 on a 2-core Xeon VM; enough that a 1% difference is 25 ms.
const INPUT_MIB = 64;
// busybox's own `time` (wait4's rusage) gives the CPU time; its report goes to stdout, gzip's output to /dev/null.
const SCRIPT = 'echo start && "$1" time -p "$1" gzip -9 < "$2" 2>&1 > /dev/null && echo end';
let fx;

/**
 * Deterministic text: words of a fixed 4,096-word vocabulary picked by xorshift32 from a fixed seed. It
 * compresses like prose (to ~45%), so gzip -9 does real matching work rather than storing random bytes.
 */
function text(bytes) {
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const letters = () =>
    Array.from({ length: 2 + (next() % 9) }, () => String.fromCharCode(97 + (next() % 26))).join('');
  const words = Array.from({ length: 4096 }, letters);
  const buf = Buffer.alloc(bytes);
  for (let o = 0; o < bytes;) o += buf.write(`${words[next() % 4096]}${next() % 12 ? ' ' : '\n'}`, o, 'latin1');
  return buf;
}

/**
 * A stdout that notes when the start and end lines arrive (the program's run time, on the host's clock) and
 * reads `time -p`'s user and sys lines (the CPU time, to 10 ms).
 */
function stopwatch() {
  const clock = lineClock();
  const result = () => {
    const cpu = ['user', 'sys'].map((k) => Number(new RegExp(`^${k} ([\\d.]+)$`, 'm').exec(clock.text())?.[1]));
    const ms = clock.elapsed();
    if (ms === undefined || cpu.some(Number.isNaN)) throw new Error(`gzip: unexpected output: ${clock.text()}`);
    return { ms, cpu: (cpu[0] + cpu[1]) * 1000 };
  };
  return { stream: clock.stream, result };
}

function onHost(args, stdout) {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(stdout);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: exit ${code}`))));
  });
}

const cpuCase = {
  name: 'cpu gzip -9',
  description: `busybox gzip -9 of a ${INPUT_MIB} MiB text file, in a vmatrix cell vs on the host: same binary, same file; the program's time (and its CPU time)`,
  baseline: 'host',
  target: 1.01,
  rounds: 9,
  ...fixtureSteps(
    'cpu',
    (f) => {
      fx = f;
    },
    async (f, c) => {
      await mkdir(join(f.root, 'data'));
      await writeFile(join(f.root, 'data/input'), text(INPUT_MIB * 1024 * 1024));
      c.description += ` (${f.runtime.name} ${f.runtime.version})`;
    },
  ),
  variants: {
    'vmatrix cell': async (dir) => {
      const clock = stopwatch();
      await runInCell(fx, dir, ['/bin/busybox', 'sh', '-c', SCRIPT, 'sh', '/bin/busybox', '/data/input'], clock.stream);
      return clock.result();
    },
    host: async () => {
      const busybox = join(fx.root, 'bin/busybox');
      const clock = stopwatch();
      await onHost([busybox, 'sh', '-c', SCRIPT, 'sh', busybox, join(fx.root, 'data/input')], clock.stream);
      return clock.result();
    },
  },
};

export const cpuCases = [cpuCase];
