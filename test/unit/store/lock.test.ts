import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryFileLock, withFileLock } from '../../../src/store/lock.js';

// The lock is what makes "two vmatrix processes build the same image" safe. These tests use real
// processes: children running the same lock code (transpiled on the fly), and processes that die.

const dir = await mkdtemp(join(tmpdir(), 'vmx-lock-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
const lockPath = (): string => join(dir, `t${++n}.lock`);

function startTime(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then((s) => s.slice(s.lastIndexOf(')') + 2).split(' ')[19]!);
}

/** A process that exits when told, and whose record can be put in a lock file. */
async function foreignProcess(seconds: number): Promise<{ pid: number; start: string; exited: Promise<void> }> {
  const child = spawn('sleep', [String(seconds)], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { pid: child.pid!, start: await startTime(child.pid!), exited };
}

const record = (pid: number, start?: string): string =>
  JSON.stringify({ pid, start, nonce: `n${Math.random()}`, created: new Date().toISOString() });

describe('withFileLock in one process', () => {
  it('serialises two callers of the same lock', async () => {
    const path = lockPath();
    const events: string[] = [];
    const task = (name: string) =>
      withFileLock(path, async () => {
        events.push(`${name} in`);
        await sleep(80);
        events.push(`${name} out`);
      });
    await Promise.all([task('a'), task('b')]);
    // Either may win; what matters is that one is out before the other is in.
    expect([
      ['a in', 'a out', 'b in', 'b out'],
      ['b in', 'b out', 'a in', 'a out'],
    ]).toContainEqual(events);
    expect(existsSync(path)).toBe(false);
  });

  it('releases the lock when fn throws, and passes the error on', async () => {
    const path = lockPath();
    await expect(
      withFileLock(path, async () => {
        throw new Error('build failed');
      }),
    ).rejects.toThrow('build failed');
    expect(existsSync(path)).toBe(false);
    expect(await withFileLock(path, async () => 'again')).toBe('again');
  });

  it('holds a file naming this process while fn runs', async () => {
    const path = lockPath();
    await withFileLock(path, async () => {
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid });
    });
  });
});

describe('withFileLock and other processes', () => {
  it('takes over a lock whose holder is dead', async () => {
    const path = lockPath();
    const dead = await foreignProcess(30);
    process.kill(dead.pid, 'SIGKILL');
    await dead.exited;
    await writeFile(path, record(dead.pid, dead.start));
    const started = Date.now();
    expect(await withFileLock(path, async () => 'mine')).toBe('mine');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('takes over a lock whose pid now belongs to another process (start time differs)', async () => {
    const path = lockPath();
    await writeFile(path, record(process.pid, '1'));
    expect(await withFileLock(path, async () => 'mine')).toBe('mine');
  });

  it('waits while a live process holds the lock, then takes over when it dies', async () => {
    const path = lockPath();
    const holder = await foreignProcess(0.6);
    await writeFile(path, record(holder.pid, holder.start));
    const waited: number[] = [];
    const started = Date.now();
    await withFileLock(path, async () => {}, { onWait: (h) => waited.push(h.pid) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(waited).toEqual([holder.pid]);
  });

  it('never removes a lock that is not its own on release', async () => {
    const path = lockPath();
    const other = await foreignProcess(5);
    await withFileLock(path, async () => {
      await writeFile(path, record(other.pid, other.start)); // as if someone had (wrongly) replaced it
    });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: other.pid });
    process.kill(other.pid);
  });
});

describe('withFileLock across real processes running the same code', { tags: ['safety', 'concurrency'] }, () => {
  const worker = join(dir, 'worker');
  async function buildWorker(): Promise<void> {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(worker, { recursive: true });
    await writeFile(join(worker, 'package.json'), '{"type":"module"}');
    for (const name of ['lock', 'owner']) {
      const src = await readFile(new URL(`../../../src/store/${name}.ts`, import.meta.url), 'utf8');
      const js = ts.transpileModule(src, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      await writeFile(join(worker, `${name}.js`), js);
    }
    await writeFile(
      join(worker, 'main.js'),
      `
      import { appendFileSync } from 'node:fs';
      import { withFileLock } from './lock.js';
      const [path, log, hold] = process.argv.slice(2);
      await withFileLock(path, async () => {
        appendFileSync(log, 'in ' + process.pid + '\\n');
        if (hold === 'forever') { process.stdout.write('holding\\n'); setInterval(() => {}, 1000); await new Promise(() => {}); }
        await new Promise((r) => setTimeout(r, Number(hold)));
        appendFileSync(log, 'out ' + process.pid + '\\n');
      });`,
    );
  }

  const run = (path: string, log: string, hold: string) =>
    spawn(process.execPath, [join(worker, 'main.js'), path, log, hold], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = (child: ReturnType<typeof run>) =>
    new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

  beforeAll(buildWorker);

  it('lets one process in at a time', async () => {
    const path = lockPath();
    const log = join(dir, 'serial.log');
    const codes = await Promise.all([1, 2, 3, 4].map(() => exit(run(path, log, '50'))));
    expect(codes).toEqual([0, 0, 0, 0]);
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(8);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toMatch(/^in /);
      expect(lines[i + 1]).toBe(lines[i]!.replace('in', 'out'));
    }
  });

  it('recovers in bounded time from a holder killed with SIGKILL', async () => {
    const path = lockPath();
    const log = join(dir, 'killed.log');
    const holder = run(path, log, 'forever');
    await new Promise((resolve, reject) => {
      holder.stdout!.once('data', resolve);
      holder.once('exit', (code) => reject(new Error(`the holder exited (${code}) before taking the lock`)));
    });
    const waiter = run(path, log, '0');
    await sleep(200);
    holder.kill('SIGKILL');
    const started = Date.now();
    expect(await exit(waiter)).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      `in ${holder.pid}`,
      `in ${waiter.pid}`,
      `out ${waiter.pid}`,
    ]);
  });
});

describe('tryFileLock', () => {
  it('takes a free lock, says busy while it is held (by this process or another), and frees it', async () => {
    const path = lockPath();
    const release = await tryFileLock(path);
    expect(release).toBeDefined();
    expect(await tryFileLock(path)).toBeUndefined();
    await release!();
    expect(existsSync(path)).toBe(false);
    const other = await foreignProcess(30);
    await writeFile(path, record(other.pid, other.start));
    expect(await tryFileLock(path)).toBeUndefined();
    process.kill(other.pid, 'SIGKILL');
    await other.exited;
    const taken = await tryFileLock(path);
    expect(taken).toBeDefined();
    await taken!();
  });
});
