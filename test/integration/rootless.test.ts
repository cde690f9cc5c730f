import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { access, appendFile, chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeSubidStart } from '../../src/vps/index.js';
import type { RunResult } from '../../src/results/types.js';
import { testCacheDir } from '../fixtures/debian-roots.js';
import { spawnCapture, type CliResult } from '../helpers/cli.js';
import { until } from '../helpers/procs.js';
import { gitProject } from '../helpers/project.js';
import { Terminal } from '../helpers/terminal.js';

// vmatrix without root (issue 19), as an ordinary account the test makes: one with a range of subordinate
// ids (the way a developer's machine is set up by adduser), one without. They run the busybox and Debian 12
// pipelines, `--keep failed` and `shell --run`, the isolation probes and SIGKILL at random moments, all
// through the same bin/run.js a user runs; the store is the account's own, in the test cache.

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const USER = 'vmatrix-rootless';
const ONE_ID = 'vmatrix-oneid';
const RANGE = 65536;

interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** First subordinate uid and gid, for the account that has them. */
  sub?: { uid: number; gid: number };
}

let user: Account;
/** Directories above this checkout the accounts could not pass (a clone under /root), opened to them with an ACL. */
const opened: string[] = [];
let oneId: Account;
let store: string;
const terminals: Terminal[] = [];
/** Directories the tests made where the accounts can reach them (in the test cache), removed at the end. */
const scratch: string[] = [];

/** A new directory in the test cache that the accounts may read. */
async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(testCacheDir(), prefix));
  scratch.push(dir);
  return dir;
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}

/** Pids of the account's processes whose command line matches `pattern` (none: []). */
function pgrep(a: Account, pattern: string): string[] {
  try {
    return sh('pgrep', ['-u', a.name, '-f', pattern]).trim().split('\n');
  } catch {
    return [];
  }
}

function rangeOf(file: string, name: string): number | undefined {
  const line = sh('cat', [file])
    .split('\n')
    .find((l) => l.startsWith(`${name}:`) && Number(l.split(':')[2]) >= RANGE);
  return line ? Number(line.split(':')[1]) : undefined;
}

/** The account, made if missing; `subids`: with a range of its own in /etc/subuid and /etc/subgid, else none. */
async function account(name: string, subids: boolean): Promise<Account> {
  try {
    sh('id', ['-u', name]);
  } catch {
    sh('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  }
  if (subids) {
    if (rangeOf('/etc/subuid', name) === undefined || rangeOf('/etc/subgid', name) === undefined) {
      const start = freeSubidStart(await Promise.all(['/etc/subuid', '/etc/subgid'].map((f) => readFile(f, 'utf8'))));
      const range = `${start}-${start + RANGE - 1}`;
      sh('usermod', ['--add-subuids', range, '--add-subgids', range, name]);
    }
  } else {
    for (const f of ['/etc/subuid', '/etc/subgid']) {
      const text = await readFile(f, 'utf8');
      await writeFile(
        f,
        text
          .split('\n')
          .filter((l) => !l.startsWith(`${name}:`))
          .join('\n'),
      );
    }
  }
  const home = sh('sh', ['-c', `getent passwd ${name} | cut -d: -f6`]).trim();
  const uid = Number(sh('id', ['-u', name]));
  const gid = Number(sh('id', ['-g', name]));
  const sub = subids ? { uid: rangeOf('/etc/subuid', name)!, gid: rangeOf('/etc/subgid', name)! } : undefined;
  return { name, uid, gid, home, ...(sub && { sub }) };
}

/** Runs bin/run.js as `a`, with its own environment (HOME, PATH) and `env`. */
function asUser(a: Account, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return spawnCapture('runuser', ['-u', a.name, '--', ...userEnv(a, env), process.execPath, BIN, ...args], { cwd });
}

function userEnv(a: Account, env: Record<string, string>): string[] {
  const vars = { HOME: a.home, PATH: '/usr/local/bin:/usr/bin:/bin', NO_COLOR: '1', LANG: 'C.UTF-8', ...env };
  return ['env', '-i', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
}

/** A fixture project in a git repository the account owns; `config` replaces or extends its vmatrix.yml. */
async function projectOf(a: Account, fixture: string, config?: { replace?: string; append?: string }): Promise<string> {
  const dir = await gitProject(fixture);
  if (config) {
    const file = join(dir, 'vmatrix.yml');
    await writeFile(file, config.replace ?? `${await readFile(file, 'utf8')}${config.append ?? ''}`);
    execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-qam', 'config'], {
      cwd: dir,
    });
  }
  sh('chown', ['-R', `${a.uid}:${a.gid}`, dir]);
  return dir;
}

async function resultsOf(project: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(project, '.vmatrix/runs/latest/results.json'), 'utf8')) as RunResult;
}

/** Processes of the account, or of its subordinate ids: what a run left behind. */
async function processesOf(a: Account): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const st = await stat(`/proc/${pid}`).catch(() => undefined);
    if (!st) continue;
    const mine = st.uid === a.uid || (a.sub !== undefined && st.uid >= a.sub.uid && st.uid < a.sub.uid + RANGE);
    if (!mine) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd) found.push(`${pid} (uid ${st.uid}): ${cmd.replaceAll('\0', ' ')}`);
  }
  return found;
}

/** Owners (uid gid) of the store's files that are neither the account's nor among its subordinate ids. */
async function foreignOwners(a: Account, dir: string): Promise<string[]> {
  const owners = execFileSync('sh', ['-c', 'find "$1" -printf "%U %G\\n" | sort -u', 'sh', dir], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  const ok = (id: number, own: number, sub?: number) =>
    id === own || (sub !== undefined && id >= sub && id < sub + RANGE);
  return owners.filter((l) => {
    const [u, g] = l.split(' ').map(Number);
    return !ok(u, a.uid, a.sub?.uid) || !ok(g, a.gid, a.sub?.gid);
  });
}

beforeAll(async () => {
  user = await account(USER, true);
  oneId = await account(ONE_ID, false);
  // What scripts/setup-host.sh provides: newuidmap/newgidmap, and /dev/net/tun open to users, as udev makes it.
  await access('/usr/bin/newuidmap', constants.X_OK);
  for (const dev of ['/dev/net/tun', '/dev/fuse'])
    expect((await stat(dev)).mode & 0o666, `run scripts/setup-host.sh: ${dev} must be 0666`).toBe(0o666);
  store = join(testCacheDir(), 'store-rootless');
  await mkdir(store, { recursive: true });
  sh('chown', [`${user.uid}:${user.gid}`, store]);
  await chmod(testCacheDir(), 0o755);
  // The accounts must reach this checkout's bin/run.js and dist/: where a directory above it is closed to them
  // (a clone under /root), each gets an ACL entry to pass it (search only), removed afterwards.
  for (let dir = dirname(dirname(BIN)); dir !== '/'; dir = dirname(dir)) {
    for (const a of [user, oneId]) {
      try {
        sh('runuser', ['-u', a.name, '--', 'test', '-x', dir]);
      } catch {
        sh('setfacl', ['-m', `u:${a.name}:x`, dir]);
        opened.push(`${a.name} ${dir}`);
      }
    }
  }
  expect((await asUser(user, ['--version'], '/')).code, `${USER} cannot run ${BIN}`).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const t of terminals) t.kill();
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  for (const entry of opened) {
    const [name, dir] = entry.split(' ');
    sh('setfacl', ['-x', `u:${name}`, dir!]);
  }
});

describe('vmatrix without root, as an account with subordinate ids', { tags: ['safety'] }, () => {
  it('runs busybox cells in a user namespace of its ids, keeps a failed one and opens a shell on it', async () => {
    const project = await projectOf(user, 'busybox-mix');
    const env = { VMATRIX_HOME: store };
    const r = await asUser(
      user,
      ['test', '--keep', 'failed', '--only', 'mode=fail', '--only', 'mode=ok'],
      project,
      env,
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toContain('rootless: root in a cell is your first subordinate id');
    const result = await resultsOf(project);
    const fail = result.cells.find((c) => c.axes.mode === 'fail')!;
    expect(result.cells.find((c) => c.axes.mode === 'ok')!.status).toBe('passed');
    expect(fail.status).toBe('failed');
    expect(fail.kept).toBe(join(store, 'kept', result.runId, fail.slug));
    expect(r.stdout).toContain(`vmatrix shell --run ${result.runId} busybox/mode=fail`);

    // shell --run in a real terminal, as the account: what the failed cell wrote is there.
    const look = 'cat /src/fail-evidence /tmp/fail-tmp-evidence; head -1 /proc/self/uid_map; echo "status $?"';
    const t = new Terminal(
      `runuser -u ${USER} -- ${userEnv(user, { ...env, TERM: 'xterm-256color' }).join(' ')} ${process.execPath} ${BIN} ` +
        `shell --run latest busybox/mode=fail -- sh -c '${look}'`,
      project,
      {},
    );
    terminals.push(t);
    expect(await t.exited, t.screen).toBe(0);
    // Root in the cell is namespace id 1: the account's first subordinate id, never the account itself.
    expect(t.screen).toMatch(/left by the failing cell\r?\ntmp\r?\n\s*0\s+1\s+65536\r?\nstatus 0/);
    expect(await foreignOwners(user, store)).toEqual([]);
  }, 180_000);

  it('builds Debian 12 with mmdebstrap, a setup layer and three cells in parallel; the store holds only its ids', async () => {
    const project = await projectOf(user, 'busybox-mix', {
      replace: [
        'distros: [debian-12]',
        'matrix:',
        '  n: [1, 2, 3]',
        'packages: [make]',
        'setup: useradd --create-home builder',
        'test:',
        '  - make --version | head -1',
        '  - id -u; head -1 /proc/self/uid_map; stat -c "%U %u" /var/cache/apt/archives/partial /home/builder',
        '  - sleep 1',
        '',
      ].join('\n'),
    });
    const r = await asUser(user, ['test', '--reporter', 'plain', '--jobs', '3'], project, { VMATRIX_HOME: store });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const result = await resultsOf(project);
    expect(result.cells.map((c) => c.status)).toEqual(['passed', 'passed', 'passed']);
    for (const c of result.cells) {
      const log = await readFile(join(project, c.logPath), 'utf8');
      expect(log).toContain('GNU Make');
      // apt's _apt (42) and the setup's new user own their files: the namespace has their ids.
      expect(log).toMatch(/\n0\n\s*0\s+1\s+65536\n_apt 42\nbuilder 1000\n/);
    }
    // In parallel: the run's test phase took less than its cells one after another would.
    const cells = result.cells.reduce((sum, c) => sum + c.durationMs, 0);
    expect(Math.max(...result.cells.map((c) => c.durationMs))).toBeLessThan(cells - 1500);
    expect(await foreignOwners(user, store)).toEqual([]);
  }, 900_000);

  it('mounts with fuse-overlayfs where the kernel cannot (VMATRIX_OVERLAY=fuse): whiteouts and opaque dirs of a layer hold', async () => {
    const project = await projectOf(user, 'busybox-mix', {
      replace: [
        'distros: [busybox]',
        'matrix:',
        '  n: [1, 2]',
        // A file of the image removed, a directory of it replaced: the layer holds a whiteout and an opaque dir.
        'setup: rm /bin/base64 && rm -r /home && mkdir /home && echo new > /home/x && mkdir /opt && echo layered > /opt/f',
        'test:',
        '  - test ! -e /bin/base64 && cat /opt/f && ls /home',
        '  - grep -E " / (overlay|fuse)" /proc/mounts | cut -d" " -f3',
        '',
      ].join('\n'),
    });
    const layers: string[] = [];
    for (const [overlay, fs] of [
      ['fuse', 'fuse.fuse-overlayfs'],
      ['kernel', 'overlay'],
    ] as const) {
      const r = await asUser(user, ['test', '--reporter', 'plain'], project, {
        VMATRIX_HOME: store,
        VMATRIX_OVERLAY: overlay,
      });
      expect(r.code, `${overlay}: ${r.stdout}${r.stderr}`).toBe(0);
      const cells = (await resultsOf(project)).cells;
      layers.push(cells[0]!.layerId!);
      for (const c of cells) {
        expect(c.layerId).toBe(cells[0]!.layerId);
        const log = await readFile(join(project, c.logPath), 'utf8');
        expect(log).toMatch(new RegExp(`\nlayered\nx\n[^]*\n${fs.replace('.', '\\.')}\n`));
      }
    }
    // Each kind has a layer of its own: fuse-overlayfs marks whiteouts its own way.
    expect(layers[0]).toMatch(/^[0-9a-f]+$/);
    expect(layers[1]).not.toBe(layers[0]);
  }, 300_000);

  it('refuses resources: it cannot apply, at once, with exit 3 naming why', async () => {
    const project = await projectOf(user, 'busybox-mix', { append: 'resources:\n  memory: 512m\n' });
    const r = await asUser(user, ['test'], project, { VMATRIX_HOME: store });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toContain('vmatrix runs without root, and a cell of an ordinary user gets no cgroup of its own');
  }, 60_000);

  it('refuses system cells and booted services before building anything, with exit 3 naming why', async () => {
    for (const append of ['boot: true\n', 'services:\n  web:\n    distro: busybox\n    boot: true\n']) {
      const project = await projectOf(user, 'busybox-mix', { append });
      const r = await asUser(user, ['test'], project, { VMATRIX_HOME: store });
      expect(r.code, r.stdout + r.stderr).toBe(3);
      expect(r.stderr).toMatch(/(cell busybox\/mode=ok|service web) boots its init \(boot: true\), which needs root/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);

  it('refuses with exit 3, naming the setting and its fix, where the host forbids user namespaces', async () => {
    const sys = await scratchDir('sysctl-');
    await chmod(sys, 0o755);
    for (const [file, value, words] of [
      ['kernel/unprivileged_userns_clone', '0', 'sysctl -w kernel.unprivileged_userns_clone=1'],
      ['user/max_user_namespaces', '0', 'sysctl -w user.max_user_namespaces=15000'],
      ['kernel/apparmor_restrict_unprivileged_userns', '1', 'apparmor_parser -r /etc/apparmor.d/vmatrix-unshare'],
    ] as const) {
      const dir = await mkdtemp(join(sys, 'case-'));
      await mkdir(join(dir, file.split('/')[0]), { recursive: true });
      await writeFile(join(dir, file), `${value}\n`);
      sh('chmod', ['-R', 'a+rX', sys]);
      const r = await asUser(user, ['run', 'busybox', '--', 'true'], '/', { VMATRIX_SYSCTL_DIR: dir });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(file.replace('/', '.'));
      expect(r.stderr).toContain(words);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});

describe('extraction without root', { tags: ['safety', 'archives'] }, () => {
  /** Runs `script` as the account inside a user namespace of its ids, as vmatrix makes it. */
  function inNamespace(a: Account, script: string, ...args: string[]): string {
    const map = [`--map-users=${a.sub!.uid},1,${RANGE}`, `--map-groups=${a.sub!.gid},1,${RANGE}`];
    return execFileSync(
      'runuser',
      ['-u', a.name, '--', 'unshare', '--map-root-user', ...map, '--', 'sh', '-c', script, 'sh', ...args],
      { encoding: 'utf8', cwd: '/' },
    );
  }

  /** path uid gid mode type, and the file capability, of every entry; ids less `shift`, rootids shown apart. */
  function listing(a: Account, dir: string, shift: number): string[] {
    const out = inNamespace(
      a,
      'cd "$1" && find . -printf "%p %U %G %m %y\\n" | sort && /usr/sbin/getcap -r . 2>/dev/null | sort',
      dir,
    );
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const f = l.split(' ');
        if (f.length === 5 && /^\d+$/.test(f[1]!))
          return [f[0], Number(f[1]) - shift, Number(f[2]) - shift, f[3], f[4]].join(' ');
        return l;
      });
  }

  it('refuses an image whose owners the namespace has no id for, saying so (exit 3)', async () => {
    const work = await scratchDir('rootless-ids-');
    const tree = join(work, 'tree');
    await mkdir(tree);
    await writeFile(join(tree, 'high'), 'x\n');
    sh('chown', ['200000:200000', join(tree, 'high')]);
    const tarball = join(work, 'high.tar');
    sh('tar', ['-C', tree, '-cf', tarball, '.']);
    sh('chmod', ['-R', 'a+rX', work]);
    const r = await asUser(user, ['image', 'import', tarball, '--as', 'rootless-high'], '/', { VMATRIX_HOME: store });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('extracting "./high": it belongs to uid 200000, gid 200000');
    expect(r.stderr).toContain('hint: an image with owners above 65535 needs vmatrix as root');
    const ls = await asUser(user, ['image', 'ls'], '/', { VMATRIX_HOME: store });
    expect(ls.stdout).not.toContain('rootless-high');
  }, 60_000);

  it('gives owners, set-id bits and file capabilities as GNU tar does in the same namespace', async () => {
    // A root as an image would bring it, made by root with GNU tar: owners of several users, set-id and
    // sticky bits, a file capability, a hardlink, a symlink, a FIFO and a device node.
    const work = await scratchDir('rootless-tar-');
    const tree = join(work, 'tree');
    const script = [
      'set -e',
      'cd "$1"',
      'mkdir -p etc bin var/cache/apt/archives/partial home/builder tmp shared',
      'echo hi > etc/motd && chmod 0640 etc/motd && chown 0:42 etc/motd',
      'printf "#!/bin/sh\\n" > bin/su && chmod 4755 bin/su',
      'printf "#!/bin/sh\\n" > bin/wall && chown 0:5 bin/wall && chmod 2755 bin/wall',
      'printf "#!/bin/sh\\n" > bin/ping && chmod 0755 bin/ping && /usr/sbin/setcap cap_net_raw+ep bin/ping',
      'chown 42:0 var/cache/apt/archives/partial && chmod 0700 var/cache/apt/archives/partial',
      'chown -R 1000:1000 home/builder && chmod 2775 home/builder',
      'echo x > home/builder/file && chown 1000:1000 home/builder/file',
      'chmod 1777 tmp',
      'ln home/builder/file home/builder/link',
      'ln -s ../etc/motd shared/motd',
      'mkfifo shared/fifo',
      'mknod shared/null c 1 3',
      'echo n > shared/nobody && chown 65534:65534 shared/nobody',
    ].join('\n');
    await mkdir(tree);
    execFileSync('sh', ['-c', script, 'sh', tree]);
    const tarball = join(work, 'root.tar');
    execFileSync('tar', ['--xattrs', '--xattrs-include=security.capability', '-C', tree, '-cf', tarball, '.']);
    sh('chmod', ['-R', 'a+rX', work]);

    // vmatrix, as the account: `image import` extracts into its store, inside its namespace.
    const imp = await asUser(user, ['image', 'import', tarball, '--as', 'rootless-tar'], '/', { VMATRIX_HOME: store });
    expect(imp.code, imp.stdout + imp.stderr).toBe(0);
    const ls = await asUser(user, ['image', 'ls'], '/', { VMATRIX_HOME: store });
    const id = ls.stdout
      .split('\n')
      .find((l) => l.includes('rootless-tar'))
      ?.split(/\s+/)[0];
    expect(id, ls.stdout).toMatch(/^[0-9a-f]{16}$/);
    const rootfs = join(store, 'images', id!, 'rootfs');

    // GNU tar, as the account, in a namespace of the same ids; it cannot make the device node, and says so.
    const gnu = join(work, 'gnu');
    await mkdir(gnu);
    sh('chown', [`${user.uid}:${user.gid}`, gnu]);
    let gnuErr = '';
    try {
      inNamespace(
        user,
        'tar --xattrs --xattrs-include=security.capability --same-owner -xpf "$1" -C "$2"',
        tarball,
        gnu,
      );
    } catch (e) {
      gnuErr = String((e as { stderr?: string }).stderr);
    }
    expect(gnuErr).toMatch(/shared\/null: Cannot mknod: Operation not permitted/);

    // The image may already have the cells' ids (namespace ids 1..65536: one more than the tarball's).
    const shift = Number(inNamespace(user, 'stat -c %u "$1"', rootfs).trim());
    expect([0, 1]).toContain(shift);
    const ours = listing(user, rootfs, shift);
    const theirs = listing(user, gnu, 0);
    // The same entries, owners and modes, the device node missing from both.
    expect(ours.filter((l) => !l.includes('='))).toEqual(theirs.filter((l) => !l.includes('=')));
    expect(theirs.some((l) => l.startsWith('./shared/null '))).toBe(false);
    for (const l of [
      './bin/su 0 0 4755 f',
      './bin/wall 0 5 2755 f',
      './home/builder 1000 1000 2775 d',
      './tmp 0 0 1777 d',
    ])
      expect(ours).toContain(l);
    expect(ours).toContain('./var/cache/apt/archives/partial 42 0 700 d');
    expect(ours).toContain('./shared/nobody 65534 65534 644 f');
    // The capability is there in both; vmatrix's names the cells' root (namespace id 1) once the image has
    // their ids, GNU tar's the namespace's root.
    const cap = (lines: string[]) => lines.find((l) => l.startsWith('./bin/ping ') && l.includes('='));
    expect(cap(theirs)).toMatch(/^\.\/bin\/ping cap_net_raw=ep$/);
    const removed = await asUser(user, ['image', 'rm', 'rootless-tar'], '/', { VMATRIX_HOME: store });
    expect(removed.code, removed.stderr).toBe(0);
    expect(cap(ours)).toMatch(shift ? /^\.\/bin\/ping cap_net_raw=ep \[rootid=1\]$/ : /^\.\/bin\/ping cap_net_raw=ep$/);
  }, 300_000);
});

describe('isolation probes as an account without root', { tags: ['safety', 'isolation'] }, () => {
  let hostSleep: ChildProcess;
  let server: Server;
  let connections = 0;

  afterAll(() => {
    hostSleep?.kill();
    server?.close();
  });

  it('every probe passes: nothing the cells tried reached the host, the account or another cell', async () => {
    const project = await projectOf(user, 'isolation');
    // The account's own file: a rootless cell's root is a subordinate id, so even the account's files are out of reach.
    const canary = join(user.home, 'canary-file');
    await writeFile(canary, 'user secret\n');
    sh('chown', [`${user.uid}:${user.gid}`, canary]);
    hostSleep = spawn('runuser', ['-u', USER, '--', 'sleep', '987.654'], { stdio: 'ignore' });
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await until(async () => (pgrep(user, '^sleep 987.654').length ? [] : ['none']), 5000);
    const sleeper = pgrep(user, '^sleep 987.654')[0];
    expect(sleeper).toBeDefined();
    await appendFile(
      join(project, 'vmatrix.yml'),
      `env:\n  CANARY: ${canary}\n  HOST_PID: ${sleeper}\n  HOST_PORT: ${port}\n`,
    );
    const r = await asUser(user, ['test', '--jobs', '9'], project, { VMATRIX_HOME: store });
    const result = await resultsOf(project);
    const failed = result.cells.filter((c) => c.status !== 'passed');
    const logs = await Promise.all(failed.map((c) => readFile(join(project, c.logPath), 'utf8')));
    expect(
      failed.map((c) => c.id),
      `${r.stdout}\n${r.stderr}\n${logs.join('\n')}`,
    ).toEqual([]);
    expect(r.code).toBe(0);
    expect(result.cells).toHaveLength(9);
    for (const c of result.cells) {
      expect(await readFile(join(project, c.logPath), 'utf8')).toContain(`ISOLATED ${c.axes.probe}`);
    }
    expect(await readFile(canary, 'utf8')).toBe('user secret\n');
    expect(connections).toBe(0);
  }, 300_000);
});

describe('vmatrix without root killed with SIGKILL, SIGINT or SIGTERM', { tags: ['safety', 'killed'] }, () => {
  it('leaves no process of the account or its ids, and the next run sweeps the rest and passes', async () => {
    const project = await projectOf(user, 'churn');
    const env = { VMATRIX_HOME: store };
    const kills: string[] = [];
    for (let trial = 0; trial < 6; trial++) {
      const argv = ['-u', USER, '--', ...userEnv(user, env), process.execPath, BIN, 'test', '--jobs', '3'];
      const child = spawn('runuser', argv, { cwd: project, stdio: 'ignore' });
      const closed = new Promise<void>((r) => child.on('close', () => r()));
      const delay = 200 + Math.floor(Math.random() * 1200);
      await new Promise((r) => setTimeout(r, delay));
      // The account's vmatrix, not runuser: the process a user's `kill -9` would hit (the lowest pid; the
      // one inside the namespace is its child). A run that already ended is not a kill.
      const vmatrix = pgrep(user, `${BIN} test`);
      if (vmatrix.length > 0) {
        // SIGKILL, then SIGINT and SIGTERM sent to that process alone (both passed on to the process inside,
        // which stops its cells), in turn.
        const signal = (['SIGKILL', 'SIGINT', 'SIGTERM'] as const)[trial % 3]!;
        process.kill(Math.min(...vmatrix.map(Number)), signal);
        kills.push(`trial ${trial}: ${signal} after ${delay} ms`);
      }
      await closed;
      expect(await until(() => processesOf(user), 10_000), `trial ${trial}: after ${delay} ms`).toEqual([]);
    }
    expect(kills.length, kills.join('\n')).toBeGreaterThanOrEqual(3);
    const r = await asUser(user, ['test', '--jobs', '3'], project, env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await readdir(join(store, 'cells'))).toEqual([]);
    expect(await readdir(join(store, 'tmp'))).toEqual([]);
    expect(await processesOf(user)).toEqual([]);
  }, 300_000);
});

describe('Ctrl-C of vmatrix without root', () => {
  it('is one interrupt, though it reaches both the process outside the namespace and the one inside', async () => {
    const project = await projectOf(user, 'busybox-mix', {
      replace: ['distros: [busybox]', 'matrix:', '  n: [1, 2]', 'test: sleep 30', ''].join('\n'),
    });
    // In a session of its own, so that the whole process group can get the SIGINT, as a terminal sends it.
    const argv = ['-u', USER, '--', 'setsid', ...userEnv(user, { VMATRIX_HOME: store }), process.execPath, BIN];
    const child = spawn('runuser', [...argv, 'test', '--reporter', 'plain'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    expect(await until(async () => (output.includes('source:') ? [] : ['not started']), 30_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1500));
    const outside = Math.min(...pgrep(user, `${BIN} test`).map(Number));
    process.kill(-outside, 'SIGINT');
    await closed;
    // The first Ctrl-C's words, once; never the second's.
    expect(output.match(/vmatrix: interrupted: starting no more cells/g), output).toHaveLength(1);
    expect(output).not.toContain('stopping the running cells now');
    expect((await resultsOf(project)).cells.map((c) => c.status)).toEqual(['cancelled', 'cancelled']);
    expect(await until(() => processesOf(user), 10_000)).toEqual([]);
  }, 120_000);
});

describe('vmatrix without root, as an account with no subordinate ids', () => {
  it('runs busybox with its one id, and doctor prints the usermod line that gives it a range', async () => {
    const home = join(oneId.home, 'store');
    const r = await asUser(oneId, ['run', 'busybox', '--', 'sh', '-c', 'id -u; cat /proc/self/uid_map'], '/', {
      VMATRIX_HOME: home,
    });
    expect(r.code, r.stderr).toBe(0);
    // Root in the cell is the account itself: the namespace has no other id.
    expect(r.stdout).toMatch(new RegExp(`^0\\n\\s*0\\s+${oneId.uid}\\s+1\\n$`));
    const d = await asUser(oneId, ['doctor'], '/');
    expect(d.stdout).toContain(`/etc/subuid gives ${ONE_ID} no range of 65536 subordinate ids`);
    expect(d.stdout).toMatch(new RegExp(`usermod --add-subuids \\d+-\\d+ --add-subgids \\d+-\\d+ ${ONE_ID}`));
  }, 120_000);
});
