import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File, tarballCatalog } from '../fixtures/catalog.js';
import { debianTarball } from '../fixtures/debian-roots.js';
import { runCli } from '../helpers/cli.js';
import { cgroupsOf, ownsCell, until } from '../helpers/procs.js';
import { gitProject } from '../helpers/project.js';

// SAFETY 15, 26, 27 and 28: `vmatrix test` killed by SIGKILL, SIGTERM and SIGINT (in turn) at a random moment
// of each phase of a Debian project (fixtures/projects/killed), each phase on a fresh store:
//   pulling     the real Debian tarball, served over 127.0.0.1 in 64 KiB chunks (~2.5 s): killed at a random
//               byte of what is left; each next process must resume the partial with Range + If-Range;
//   extracting  killed when zstd has read a random part of the blob, then twice after the commit, while the
//               image is shifted to the cells' user namespace;
//   building    killed during a setup step that writes files around `sleep 2`;
//   running     a few kills while the Debian cells run: kill-leaks.test covers this phase at length with
//               busybox; here it adds a real distro root on a setup layer this file built.
// After each kill, within 5 s: no process of the killed vmatrix or naming the store, no mount, no runtime
// state; tmp/ holds only dead processes' staging dirs (with their owner files) and the resumable partial
// download; every image and layer is complete. After each phase the next run passes and leaves tmp/,
// locks/, cells/ and the killed runs' cgroups (their setup cells' too) empty. VMATRIX_KILLED_TRIALS raises
// the kills per phase.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const MORE = Number(process.env.VMATRIX_KILLED_TRIALS ?? 0);
const trials = (n: number): number => Math.max(n, MORE);
const SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SIGNALS)[number];
const CHUNK = 64 * 1024;
const ETAG = '"debian-12-v1"';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = (max: number): number => Math.floor(Math.random() * max);

let work: string;
let tarball: string;
let digest: string;
let size: number;

// ---- the image server: Range and If-Range as a real one answers them, throttled for the pull phase ----

/** One response. `hold` stalls it where it is: the moment of a kill is then the byte where the download stopped. */
interface Served {
  range?: string;
  ifRange?: string;
  status: number;
  start: number;
  sent: number;
  hold?: boolean;
}

const served: Served[] = [];
let throttleMs = 0;
let server: Server;
let url: string;

async function send(res: ServerResponse, from: number, log: Served): Promise<void> {
  const body = createReadStream(tarball, { start: from, highWaterMark: CHUNK });
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      while (log.hold && !res.destroyed) await sleep(10);
      if (res.destroyed) return;
      if (!res.write(chunk)) await drained(res);
      log.sent += chunk.length;
      if (throttleMs) await sleep(throttleMs);
    }
    res.end();
  } finally {
    body.destroy();
  }
}

const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });

function serve(req: IncomingMessage, res: ServerResponse): void {
  const { range, 'if-range': ifRange } = req.headers as Record<string, string | undefined>;
  const m = /^bytes=(\d+)-$/.exec(range ?? '');
  const start = m && ifRange === ETAG ? Number(m[1]) : 0;
  const log: Served = { range, ifRange, status: start ? 206 : 200, start, sent: 0 };
  served.push(log);
  res.on('error', () => {});
  if (start >= size) {
    log.status = 416;
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  res.writeHead(log.status, {
    etag: ETAG,
    'content-length': size - start,
    ...(start ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
  });
  void send(res, start, log);
}

async function newStore(
  name: string,
): Promise<{ home: string; catalog: string; project: string; killed: number[]; moments: string[] }> {
  const catalog = await tarballCatalog(join(work, `${name}-catalog`), [
    { release: '12', url, sha256: digest, description: 'Debian 12 (served by the test)' },
  ]);
  return { home: join(work, `${name}-store`), catalog, project: await gitProject('killed'), killed: [], moments: [] };
}
type Phase = Awaited<ReturnType<typeof newStore>>;

// ---- processes ----

interface Proc {
  pid: number;
  ppid: number;
  state: string;
  start: string;
  cmd: string;
}

/** The host's processes; without their command lines when polled often. */
async function procs(cmdlines = true): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const name of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    // The command name may hold spaces and parentheses: count the fields after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmd = cmdlines ? (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ') : '';
    out.push({ pid: Number(name), ppid: Number(f[1]), state: f[0]!, start: f[19]!, cmd });
  }
  return out;
}

async function tree(root: number): Promise<Proc[]> {
  const all = await procs();
  const found = all.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i]!.pid));
  return found;
}

interface Run {
  child: ChildProcess;
  pid: number;
  closed: Promise<void>;
  ended: boolean;
  output: () => string;
}

function start(p: Phase): Run {
  const child = spawn(process.execPath, [BIN, 'test', '--reporter', 'plain', '--jobs', '2'], {
    cwd: p.project,
    env: { ...process.env, VMATRIX_HOME: p.home, VMATRIX_CATALOG: p.catalog, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const run: Run = {
    child,
    pid: child.pid!,
    ended: false,
    output: () => text,
    closed: new Promise((r) =>
      child.on('close', () => {
        run.ended = true;
        r();
      }),
    ),
  };
  return run;
}

/** Polls until `cond` holds; throws if vmatrix ends first (the moment to kill it never came). */
async function waitFor(run: Run, what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await cond())) {
    if (run.ended) throw new Error(`vmatrix ended before ${what}:\n${run.output()}`);
    await sleep(10);
  }
}

// ---- what a kill may leave, and what it must not ----

/** Container ids of a vmatrix process's cells (cell-task.ts) and setup cells (layer.ts). */
async function leftovers(home: string, pid: number, before: Proc[]): Promise<string[]> {
  const now = await procs();
  const alive = (p: Proc) => now.some((q) => q.pid === p.pid && q.start === p.start && q.state !== 'Z');
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .filter((l) => l.includes(home) || l.includes(' /run/vmatrix'));
  const state: string[] = [];
  for (const dir of ['/run/vmatrix', '/run/vmatrix/state', '/run/runc', '/run/crun']) {
    state.push(
      ...(await readdir(dir).catch(() => [] as string[])).filter((n) => ownsCell(n, [pid])).map((n) => join(dir, n)),
    );
  }
  return [
    ...before.filter(alive).map((p) => `process ${p.pid} of the killed vmatrix: ${p.cmd}`),
    ...now
      .filter((p) => p.cmd.includes(home) && p.state !== 'Z')
      .map((p) => `process ${p.pid} names the store: ${p.cmd}`),
    ...mounts.map((l) => `mount: ${l}`),
    ...state.map((s) => `runtime state: ${s}`),
  ];
}

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);

/** Entries of the store that are neither complete nor something a later run sweeps or resumes. */
async function partialEntries(home: string): Promise<string[]> {
  const bad: string[] = [];
  for (const [sub, meta, content] of [
    ['images', 'image.json', 'rootfs'],
    ['layers', 'layer.json', 'diff'],
  ] as const) {
    for (const id of await list(join(home, sub))) {
      const json = await readFile(join(home, sub, id, meta), 'utf8').then(
        (t) => JSON.parse(t) as { id?: string },
        () => undefined,
      );
      const dir = await stat(join(home, sub, id, content)).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (json?.id !== id || !dir) bad.push(`${sub}/${id} has no ${json ? content : meta}`);
    }
  }
  // tmp/: staging dirs (and their owner files) of the dead, swept by the next run; the partial download
  // (no owner, on purpose) and its validator, resumed by the next run.
  const tmp = await list(join(home, 'tmp'));
  for (const name of tmp) {
    const owned = name.endsWith('.owner') || tmp.includes(`${name}.owner`);
    if (!owned && !/^partial-[0-9a-f]+(\.validator)?$/.test(name)) bad.push(`tmp/${name}`);
  }
  return bad;
}

/** Kills `count` runs, each at the moment `moment` waits for (it returns a description of it). */
async function killTrials(
  p: Phase,
  phase: string,
  count: number,
  moment: (run: Run, trial: number) => Promise<string>,
  afterKill?: (label: string, signal: Signal) => Promise<void>,
): Promise<void> {
  for (let trial = 0; trial < count; trial++) {
    const signal = SIGNALS[trial % SIGNALS.length]!;
    const run = start(p);
    const when = await moment(run, trial);
    const before = await tree(run.pid);
    run.child.kill(signal);
    await run.closed;
    const label = `${phase} ${trial}: ${signal} ${when}`;
    p.killed.push(run.pid);
    p.moments.push(label);
    expect(await until(() => leftovers(p.home, run.pid, before), 5000), label).toEqual([]);
    expect(await partialEntries(p.home), label).toEqual([]);
    await afterKill?.(label, signal);
  }
}

/** The next run passes, sweeps everything the killed ones left, and the store holds one whole image and layer. */
async function expectNextRunCleans(p: Phase): Promise<void> {
  const next = await runCli(['test', '--jobs', '2'], {
    cwd: p.project,
    env: { VMATRIX_HOME: p.home, VMATRIX_CATALOG: p.catalog },
  });
  expect(next.code, `${p.moments.join('\n')}\n${next.stdout}${next.stderr}`).toBe(0);
  expect(next.stdout).toMatch(/3 cells: 3 passed/);
  for (const sub of ['tmp', 'locks', 'cells', 'retired']) expect(await list(join(p.home, sub)), sub).toEqual([]);
  expect(await partialEntries(p.home)).toEqual([]);
  expect((await list(join(p.home, 'images'))).length).toBe(1);
  expect((await list(join(p.home, 'layers'))).length).toBe(1);
  expect(await list(join(p.home, 'blobs/sha256'))).toEqual([digest]);
  expect(await cgroupsOf(p.killed), p.moments.join('\n')).toEqual([]);
  await Promise.all([rm(p.home, { recursive: true, force: true }), rm(p.project, { recursive: true, force: true })]);
}

/**
 * A SIGKILLed vmatrix committed nothing of the phase it was killed in. SIGTERM and SIGINT give it a moment to
 * write its results, in which it may commit a whole image or layer: then, so that the next trial has the
 * phase to interrupt again, the image (with its layers and blob) is removed as a user would.
 */
async function expectNoCommit(p: Phase, sub: 'images' | 'layers', label: string, signal: Signal): Promise<void> {
  const committed = await list(join(p.home, sub));
  if (signal === 'SIGKILL' || committed.length === 0) {
    expect(committed, `${label}: killed before the commit`).toEqual([]);
    return;
  }
  const image = (await list(join(p.home, 'images')))[0]!;
  const removed = await runCli(['image', 'rm', image], { env: { VMATRIX_HOME: p.home, VMATRIX_CATALOG: p.catalog } });
  expect(removed.code, removed.stdout + removed.stderr).toBe(0);
}

// ---- the phases' moments ----

/** How far into the blob the extraction is: the position of a descriptor of it held by vmatrix or its child (zstd). */
async function extractionAt(run: Run, blob: string): Promise<number> {
  for (const { pid } of (await procs(false)).filter((q) => q.pid === run.pid || q.ppid === run.pid)) {
    for (const fd of await list(`/proc/${pid}/fd`)) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) !== blob) continue;
      const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
      const pos = /^pos:\s+(\d+)/m.exec(info);
      if (pos) return Number(pos[1]);
    }
  }
  return -1;
}

/** The pid in a lock, owner or cell marker file (they all hold JSON with one). */
async function pidIn(path: string): Promise<number | undefined> {
  return readFile(path, 'utf8').then(
    (t) => (JSON.parse(t) as { pid?: number }).pid,
    () => undefined,
  );
}

/** The staging dirs of tmp/ that process `pid` owns (those of the killed ones stay until the next sweep). */
async function stagingOf(home: string, pid: number): Promise<string[]> {
  const owners = (await list(join(home, 'tmp'))).filter((n) => n.endsWith('.owner'));
  const mine: string[] = [];
  for (const o of owners) if ((await pidIn(join(home, 'tmp', o))) === pid) mine.push(o.slice(0, -'.owner'.length));
  return mine;
}

/** The cells that process `pid` runs: vps writes a marker into the cell's dir before it starts the runtime. */
async function cellMarkers(home: string, pid: number): Promise<string[]> {
  const found: string[] = [];
  for (const run of await list(join(home, 'cells'))) {
    for (const cell of await list(join(home, 'cells', run))) {
      if ((await pidIn(join(home, 'cells', run, cell, 'cell.json'))) === pid) found.push(join(run, cell));
    }
  }
  return found;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-killed-'));
  tarball = await debianTarball('12');
  size = (await stat(tarball)).size;
  digest = await sha256File(tarball);
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debian-12.tar.zst`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await rm(work, { recursive: true, force: true });
});

describe('vmatrix killed while pulling an image', { tags: ['safety', 'killed'] }, () => {
  it('keeps only a resumable partial, which the next process resumes with Range, and the next run passes', async () => {
    const p = await newStore('pull');
    throttleMs = 2; // 64 KiB every ~2 ms: the 51 MB tarball takes about 2.5 s
    served.length = 0;
    const expected: Array<{ at: number; range?: string; label: string }> = [];
    let first = 0;
    await killTrials(
      p,
      'pull',
      trials(7),
      async (run) => {
        first = served.length;
        const part = Math.random() * 0.5; // of what is left: each kill leaves the next one something to interrupt
        await waitFor(run, 'the download', () => {
          const r = served[first];
          return r !== undefined && r.sent >= part * (size - r.start);
        });
        const r = served[first]!;
        r.hold = true; // SIGTERM and SIGINT give vmatrix a moment to write its results: no more bytes in it
        return `at byte ${r.start + r.sent} of ${size} (${r.status}${r.start ? ` from ${r.start}` : ''})`;
      },
      async (label) => {
        expect(await list(join(p.home, 'blobs/sha256')), label).toEqual([]);
        const name = (await list(join(p.home, 'tmp'))).find((n) => /^partial-[0-9a-f]+$/.test(n));
        const have = name ? (await stat(join(p.home, 'tmp', name))).size : 0;
        const validator = name
          ? await readFile(join(p.home, 'tmp', `${name}.validator`), 'utf8').catch(() => undefined)
          : undefined;
        // What arrived is on disk, never more than was sent; the next process must ask for the rest.
        expect(have, label).toBeLessThanOrEqual(served[first]!.start + served[first]!.sent);
        expected.push({
          at: served.length,
          range: have > 0 && validator === ETAG ? `bytes=${have}-` : undefined,
          label,
        });
      },
    );
    throttleMs = 0;
    await expectNextRunCleans(p);
    // Each next process's first request resumed exactly where the killed one's partial ended.
    const asked = expected.map((e) => ({ label: e.label, range: served[e.at]?.range, ifRange: served[e.at]?.ifRange }));
    expect(asked).toEqual(
      expected.map((e) => ({ label: e.label, range: e.range, ifRange: e.range ? ETAG : undefined })),
    );
    expect(served.filter((r) => r.status === 206).length, 'resumed downloads').toBeGreaterThan(0);
  }, 150_000);
});

describe('vmatrix killed while extracting an image', { tags: ['safety', 'killed'] }, () => {
  it('commits no partial image; the next run sweeps the staging dirs, finishes the id shift and passes', async () => {
    const p = await newStore('extract');
    const blob = join(p.home, 'blobs/sha256', digest);
    await killTrials(
      p,
      'extract',
      trials(6),
      async (run) => {
        const part = Math.random() * 0.9;
        await waitFor(run, 'the extraction', async () => (await extractionAt(run, blob)) >= part * size);
        return `with ${Math.round(part * 100)}% of the blob read`;
      },
      (label, signal) => expectNoCommit(p, 'images', label, signal),
    );
    // Then twice after the commit, while the image is given the ids of the cells' user namespace.
    await killTrials(p, 'id shift', 2, async (run) => {
      let id = '';
      let shifted = false;
      await waitFor(run, 'the id shift', async () => {
        id = (await list(join(p.home, 'images')))[0] ?? '';
        if (
          !id ||
          !(await stat(join(p.home, 'images', id, 'image.json')).then(
            () => true,
            () => false,
          ))
        )
          return false;
        shifted = await stat(join(p.home, 'images', id, 'ids.json')).then(
          () => true,
          () => false,
        );
        return shifted || (await pidIn(join(p.home, 'locks', `image-${id}.lock`))) === run.pid;
      });
      const delay = pick(400);
      await sleep(delay);
      return `${delay} ms ${shifted ? 'after the shift' : 'into the shift'} of image ${id}`;
    });
    await expectNextRunCleans(p);
  }, 150_000);
});

describe(
  'vmatrix killed while building a setup layer, then while running cells',
  { tags: ['safety', 'killed'] },
  () => {
    it("commits no partial layer; the next run sweeps the staging dir and the setup cell's cgroups and passes", async () => {
      const p = await newStore('layer');
      await killTrials(
        p,
        'layer',
        trials(6),
        async (run) => {
          await waitFor(run, 'the setup layer build', async () =>
            (await stagingOf(p.home, run.pid)).some((n) => n.startsWith('layer-')),
          );
          // The setup step sleeps 2 s after its cell starts: a kill within 1.8 s of the staging dir is before the commit.
          const delay = pick(1800);
          await sleep(delay);
          return `${delay} ms into the build`;
        },
        (label, signal) => expectNoCommit(p, 'layers', label, signal),
      );
      await expectNextRunCleans(p);
    }, 150_000);

    it('leaves nothing of the Debian cells it was running', async () => {
      const p = await newStore('cells');
      const warm = await runCli(['test'], {
        cwd: p.project,
        env: { VMATRIX_HOME: p.home, VMATRIX_CATALOG: p.catalog },
      });
      expect(warm.code, warm.stdout + warm.stderr).toBe(0);
      await killTrials(p, 'cells', trials(3), async (run) => {
        await waitFor(run, 'a cell', async () => (await cellMarkers(p.home, run.pid)).length > 0);
        const delay = pick(800);
        await sleep(delay);
        return `${delay} ms after the first cell started`;
      });
      await expectNextRunCleans(p);
    }, 120_000);
  },
);
