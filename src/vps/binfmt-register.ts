import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHES, debianArch, hostArch } from '../util/arch.js';
import { messageOf } from '../util/errors.js';
import { execOrThrow } from '../util/exec.js';
import {
  BINFMT_DIR,
  confPath,
  exists,
  i386Interpreter,
  i386Line,
  kernelRunsI386,
  nativeArches,
  qemuName,
  type BinfmtOptions,
} from './binfmt.js';

// What systemd-binfmt does at boot, for hosts without systemd (containers, CI machines): mount binfmt_misc
// and register qemu-user-static's lines for the arches wanted. An entry already registered is never
// touched, whoever registered it and with whatever flags: other work on the host may depend on it.

export interface Registration {
  /** binfmt_misc was not mounted, and this call mounted it. */
  mounted: boolean;
  /** The entries this call registered (`qemu-aarch64`). */
  registered: string[];
  /** What it could not register, one line each. */
  problems: string[];
}

/** Registers, from `/usr/lib/binfmt.d/qemu-*.conf`, each entry the foreign ones of `arches` need and lack. */
export async function registerQemu(arches: readonly string[] = ARCHES, o: BinfmtOptions = {}): Promise<Registration> {
  const dir = o.binfmtDir ?? BINFMT_DIR;
  const native = nativeArches(o.host ?? hostArch());
  const names = [...new Set(arches.filter((a) => !native.includes(debianArch(a))).flatMap((a) => qemuName(a) ?? []))];
  // i386 on amd64 needs qemu-i386 only where the kernel has no IA32 emulation (a VM's kernel may lack it).
  if (
    native.includes('i386') &&
    arches.some((a) => debianArch(a) === 'i386') &&
    !(await exists(join(dir, 'qemu-i386'))) &&
    !(await kernelRunsI386(o))
  )
    names.push('i386');
  const result: Registration = { mounted: false, registered: [], problems: [] };
  if (names.length === 0) return result;
  if (!(await exists(join(dir, 'register')))) {
    // The directory is binfmt_misc's sysctl: it appears when the module is loaded.
    if (!(await exists(dir))) await execOrThrow('modprobe', ['binfmt_misc']);
    await execOrThrow('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir]);
    result.mounted = true;
  }
  for (const q of names) {
    if (await exists(join(dir, `qemu-${q}`))) continue;
    const problem = await register(q, dir, o.packageRoot ?? '/');
    if (problem) result.problems.push(problem);
    else result.registered.push(`qemu-${q}`);
  }
  return result;
}

/** Writes qemu-<q>'s line to the register file; what went wrong, if something did. */
async function register(q: string, dir: string, root: string): Promise<string | undefined> {
  if (q === 'i386') {
    const interpreter = await i386Interpreter(root);
    if (!interpreter) return 'qemu-i386: no qemu-i386-static (apt-get install -y qemu-user-static)';
    return write(dir, i386Line(interpreter.path, interpreter.flags), 'qemu-i386');
  }
  const conf = confPath(q);
  const text = await readFile(join(root, conf), 'utf8').catch(() => undefined);
  if (text === undefined) return `qemu-${q}: no ${conf} (apt-get install -y qemu-user-static)`;
  const line = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
  // `:name:type:offset:magic:mask:interpreter:flags`, the first character being the separator.
  const flags = line?.split(line[0]).at(-1)?.trim() ?? '';
  if (!line || !flags.includes('F'))
    return `qemu-${q}: ${conf} lacks the fix-binary flag F, which cells need (is it not qemu-user-static's?)`;
  return write(dir, line.trim(), `${conf}'s line`);
}

async function write(dir: string, line: string, what: string): Promise<string | undefined> {
  try {
    // One write per entry: the kernel parses each write as one registration.
    await appendFile(join(dir, 'register'), `${line}\n`);
    return undefined;
  } catch (e) {
    return `the kernel refused ${what}: ${messageOf(e)}`;
  }
}
