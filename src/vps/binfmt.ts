import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ARCHES, debianArch, hostArch } from '../util/arch.js';

// Which CPU architectures this host's cells can run. The host's own runs natively (and i386 on amd64, when
// the kernel has IA32 emulation); any other runs through qemu-user, registered in binfmt_misc. A cell can
// only use an entry with the fix-binary flag F: without it the kernel opens the interpreter at each exec,
// in the cell's mount namespace, whose root has no qemu; with it the interpreter was opened at registration,
// so its path no longer matters (third-party registrations name paths of their own container: accepted).

/** qemu's name of each arch: binfmt_misc's entry is qemu-<name>, Debian's files <name>-binfmt-P, qemu-<name>.conf. */
const QEMU: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  i386: 'i386',
  arm64: 'aarch64',
  armhf: 'arm',
  ppc64el: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
/** Where qemu-user-static puts its interpreters and its registration lines (shown in fixes as they are). */
export const QEMU_INTERPRETERS = '/usr/libexec/qemu-binfmt';
export const QEMU_CONFS = '/usr/lib/binfmt.d';

export interface ArchSupport {
  /** Debian spelling. */
  arch: string;
  runs: boolean;
  how: 'native' | 'qemu-user';
  /** The binfmt entry's interpreter when how === 'qemu-user' and registered. */
  interpreter?: string;
  /** When !runs: what is wrong, one line: "arm64 needs qemu-user in binfmt_misc, and binfmt_misc is not mounted". */
  problem?: string;
  /** When !runs: the exact commands that make it run, in order (shell lines a root user can paste). */
  fix?: string[];
}

export interface BinfmtOptions {
  /** binfmt_misc's directory (tests: a directory of files standing in for it). */
  binfmtDir?: string;
  /** The host's arch, any spelling (default: this host's). */
  host?: string;
  /** A kernel config, plain or gzipped, to believe about IA32 emulation instead of running a 32-bit program. */
  kernelConfig?: string;
  /** The root under which qemu-user-static's files are looked for (tests: a fake one). */
  packageRoot?: string;
  /** Whether this kernel runs a 32-bit x86 program (default: `runsI386`, which runs one). */
  probeI386?: () => Promise<boolean>;
}

interface Entry {
  enabled: boolean;
  interpreter?: string;
  flags: string;
}

/** What binfmt_misc says about the entries of some qemu names, read once. */
interface BinfmtState {
  dirExists: boolean;
  mounted: boolean;
  enabled: boolean;
  entries: Map<string, Entry>;
}

/**
 * Where vmatrix reads binfmt_misc's entries: VMATRIX_BINFMT_DIR, else the kernel's. The variable stands in
 * another directory for the host's (a test's picture of a host without qemu-user); it only changes what
 * vmatrix believes and reports, never what the kernel runs, and registering always writes to the kernel's.
 */
function binfmtDirFromEnv(): string {
  return process.env.VMATRIX_BINFMT_DIR || BINFMT_DIR;
}

/** qemu's name for a foreign arch, undefined for one vmatrix does not know. */
export const qemuName = (arch: string): string | undefined => QEMU[debianArch(arch)];

/** Arches that run without qemu on a host: its own, and i386 on amd64 (given IA32 emulation: i386Support). */
export function nativeArches(host: string): string[] {
  const h = debianArch(host);
  return h === 'amd64' ? ['amd64', 'i386'] : [h];
}

export async function archSupport(arch: string, o: BinfmtOptions = {}): Promise<ArchSupport> {
  return (await archSupports([arch], o)).get(debianArch(arch))!;
}

/** Each arch's support, keyed by its Debian spelling; binfmt_misc and the kernel's config are read once. */
export async function archSupports(arches: string[], o: BinfmtOptions = {}): Promise<Map<string, ArchSupport>> {
  const host = debianArch(o.host ?? hostArch());
  const wanted = [...new Set(arches.map((a) => debianArch(a)))];
  const foreign = wanted.filter((a) => !nativeArches(host).includes(a));
  // i386 on amd64 is native where the kernel has IA32 emulation; an entry for it in binfmt_misc wins, though.
  const i386 = host === 'amd64' && wanted.includes('i386');
  const names = [...foreign.map((a) => QEMU[a]).filter((q): q is string => q !== undefined), ...(i386 ? ['i386'] : [])];
  // A run of the host's arch alone (nearly every run) reads nothing of binfmt_misc.
  const state = names.length
    ? await readBinfmt(o.binfmtDir ?? binfmtDirFromEnv(), names)
    : { dirExists: true, mounted: true, enabled: true, entries: new Map<string, Entry>() };
  const out = new Map<string, ArchSupport>();
  for (const arch of wanted) {
    if (arch === 'i386' && i386) out.set(arch, await i386Support(state, o));
    else if (!foreign.includes(arch)) out.set(arch, { arch, runs: true, how: 'native' });
    else out.set(arch, await qemuSupport(arch, state, o.packageRoot ?? '/'));
  }
  return out;
}

/**
 * i386 on an amd64 host: through its qemu-i386 entry when one is registered (binfmt_misc comes before the
 * kernel's own ELF loader), else natively when the kernel has IA32 emulation, else through a qemu-i386 entry
 * that must be registered (Debian's qemu-user-static ships none for amd64 hosts: vmatrix writes the line).
 */
async function i386Support(state: BinfmtState, o: BinfmtOptions): Promise<ArchSupport> {
  if (state.mounted && state.entries.has('i386')) return qemuSupport('i386', state, o.packageRoot ?? '/');
  if (await kernelRunsI386(o)) return { arch: 'i386', runs: true, how: 'native' };
  const why = o.kernelConfig ? `it is built without IA32 emulation (${o.kernelConfig})` : 'it has no IA32 emulation';
  return qemuSupport(
    'i386',
    state,
    o.packageRoot ?? '/',
    `i386 programs do not run on this kernel (${why}), so i386 needs qemu-user in binfmt_misc, and`,
  );
}

/** Whether the kernel runs 32-bit x86 programs itself: its config says so, or a tiny one runs. */
export async function kernelRunsI386(o: Pick<BinfmtOptions, 'kernelConfig' | 'probeI386'> = {}): Promise<boolean> {
  const config = o.kernelConfig && (await readKernelConfig(o.kernelConfig));
  if (config) return /^CONFIG_IA32_EMULATION=y$/m.test(config);
  return (o.probeI386 ?? runsI386)();
}

/**
 * A static 32-bit x86 ELF of 93 bytes that exits 0 (`mov eax, 1; xor ebx, ebx; int 0x80`): a kernel's
 * config may be absent (/boot of a VM) or overruled (`ia32_emulation=0`), so the only sure answer is to run one.
 */
const I386_EXIT0 = Buffer.from(
  '7f454c46010101000000000000000000' + // e_ident: ELF, 32-bit, little-endian
    '020003000100000054800408340000000000000000000000340020000100000000000000' + // EXEC, i386, entry, 1 phdr
    '01000000000000000080040800800408' + // PT_LOAD at 0x08048000 …
    '5d0000005d0000000500000000100000' + // … 93 bytes, R+X
    'b80100000031dbcd80', // the code
  'hex',
);

/** Runs I386_EXIT0 from a private temp dir: true when it exits 0. */
export async function runsI386(): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'vmx-i386-'));
  try {
    const file = join(dir, 'exit0');
    await writeFile(file, I386_EXIT0, { mode: 0o700 });
    return await new Promise<boolean>((done) => {
      execFile(file, [], { timeout: 10_000 }, (error) => done(!error));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A kernel config named by the caller, plain or gzipped; undefined when it cannot be read. */
async function readKernelConfig(path: string): Promise<string | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes) return undefined;
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Whether `path` exists, following links (an interpreter behind a dangling link is not there). */
export const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

async function readBinfmt(dir: string, names: string[]): Promise<BinfmtState> {
  const entries = new Map<string, Entry>();
  const [dirExists, mounted] = await Promise.all([exists(dir), exists(`${dir}/register`)]);
  if (!mounted) return { dirExists, mounted, enabled: false, entries };
  const status = await readFile(`${dir}/status`, 'utf8').catch(() => 'enabled');
  for (const q of names) {
    const text = await readFile(`${dir}/qemu-${q}`, 'utf8').catch(() => undefined);
    if (text !== undefined) entries.set(q, parseEntry(text));
  }
  return { dirExists, mounted, enabled: status.trim() === 'enabled', entries };
}

/** An entry's file: `enabled`, `interpreter PATH`, `flags: POF`, `offset 0`, `magic …`, `mask …`. */
export function parseEntry(text: string): Entry {
  const lines = text.split('\n').map((l) => l.trim());
  const interpreter = lines.find((l) => l.startsWith('interpreter '))?.slice('interpreter '.length);
  const flags =
    lines
      .find((l) => l.startsWith('flags:'))
      ?.slice('flags:'.length)
      .trim() ?? '';
  return { enabled: lines[0] === 'enabled', interpreter, flags };
}

async function qemuSupport(arch: string, state: BinfmtState, root: string, needs?: string): Promise<ArchSupport> {
  const q = QEMU[arch];
  const base = { arch, runs: false, how: 'qemu-user' as const };
  if (!q) return { ...base, problem: `vmatrix knows no qemu-user for ${arch} (it knows ${ARCHES.join(', ')})` };
  const entry = state.entries.get(q);
  if (state.mounted && state.enabled && entry?.enabled && entry.flags.includes('F'))
    return { arch, runs: true, how: 'qemu-user', interpreter: entry.interpreter };
  const installed =
    q === 'i386'
      ? (await i386Interpreter(root)) !== undefined
      : (await exists(join(root, QEMU_INTERPRETERS, `${q}-binfmt-P`))) && (await exists(join(root, confPath(q))));
  const interpreterThere = entry?.interpreter !== undefined && (await exists(join(root, entry.interpreter)));
  return {
    ...base,
    interpreter: entry?.interpreter,
    ...diagnose(arch, q, state, installed, interpreterThere, needs ?? `${arch} needs qemu-user in binfmt_misc, and`),
  };
}

/** What stands between a foreign arch and its cells: the first thing wrong, and every step that fixes it all. */
function diagnose(
  arch: string,
  q: string,
  s: BinfmtState,
  installed: boolean,
  interpreterThere: boolean,
  needs: string,
): { problem: string; fix: string[] } {
  const entry = s.mounted ? s.entries.get(q) : undefined;
  const name = `qemu-${q}`;
  const noF = entry !== undefined && !entry.flags.includes('F');
  const register = entry === undefined || noF;
  const steps = [
    ...(register && !installed ? ['apt-get install -y qemu-user-static'] : []),
    ...(s.mounted ? [] : [...(s.dirExists ? [] : ['modprobe binfmt_misc']), MOUNT]),
    ...(s.mounted && !s.enabled ? [`echo 1 > ${BINFMT_DIR}/status`] : []),
    ...(noF ? [`echo -1 > ${BINFMT_DIR}/${name}`] : []),
    ...(register ? [registerLine(q)] : []),
    ...(entry && !noF && !entry.enabled ? [`echo 1 > ${BINFMT_DIR}/${name}`] : []),
  ];
  // `vmatrix doctor --fix` installs, mounts and registers; it never changes an entry someone registered.
  const byDoctor = steps.every((l) => !l.startsWith('echo '));
  const fix = byDoctor ? ['vmatrix doctor --fix', '# or by hand:', ...steps] : steps;
  const problem = (what: string): { problem: string; fix: string[] } => ({ problem: `${needs} ${what}`, fix });
  if (!s.mounted) return problem('binfmt_misc is not mounted');
  if (!entry && !installed)
    return problem(
      `qemu-user-static is not installed (no ${q === 'i386' ? I386_STATIC : `${QEMU_INTERPRETERS}/${q}-binfmt-P`})`,
    );
  if (!s.enabled) return problem(`binfmt_misc is disabled (${BINFMT_DIR}/status)`);
  if (!entry)
    return problem(
      `${name} is not registered (qemu-user-static is installed: systemd-binfmt registers it at boot, nothing ` +
        'does without systemd)',
    );
  if (noF && !interpreterThere)
    return problem(
      `${name}'s interpreter ${entry.interpreter ?? '(none)'} does not exist, and the entry lacks the fix-binary ` +
        'flag F that would let cells reach one; it must be registered again with F',
    );
  if (noF)
    return problem(
      `${name} is registered without the fix-binary flag F: cells cannot reach its interpreter ` +
        `${entry.interpreter} (the kernel looks for it in the cell's root, which has no qemu); it must be ` +
        'registered again with F',
    );
  return problem(`its entry ${name} is disabled (${BINFMT_DIR}/${name})`);
}

const MOUNT = `mount -t binfmt_misc binfmt_misc ${BINFMT_DIR}`;

/** qemu-user-static's registration line of qemu-<q>, as systemd-binfmt reads it. */
export const confPath = (q: string): string => `${QEMU_CONFS}/qemu-${q}.conf`;

/** Registers qemu-<q> by hand, as systemd-binfmt would. */
const registerLine = (q: string): string =>
  q === 'i386'
    ? `printf '%s\\n' '${i386Line(I386_STATIC, 'F')}' > ${BINFMT_DIR}/register`
    : `grep -hv '^#' ${confPath(q)} > ${BINFMT_DIR}/register`;

/** qemu-user-static's i386 emulator: on amd64 it ships no binfmt line or -binfmt-P wrapper for it. */
export const I386_STATIC = '/usr/bin/qemu-i386-static';

/** The i386 interpreter qemu-user-static installed: its -binfmt-P wrapper where there is one. */
export async function i386Interpreter(root = '/'): Promise<{ path: string; flags: string } | undefined> {
  const wrapper = `${QEMU_INTERPRETERS}/i386-binfmt-P`;
  if (await exists(join(root, wrapper))) return { path: wrapper, flags: 'OPF' };
  if (await exists(join(root, I386_STATIC))) return { path: I386_STATIC, flags: 'F' };
  return undefined;
}

/** qemu-i386's registration line, with the magic and mask of qemu's own qemu-binfmt-conf.sh (kernel escapes). */
export function i386Line(interpreter: string, flags: string): string {
  const magic = '\\x7fELF\\x01\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x03\\x00';
  const mask = '\\xff\\xff\\xff\\xff\\xff\\xfe\\xfe\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';
  return `:qemu-i386:M::${magic}:${mask}:${interpreter}:${flags}`;
}
