import { messageOf } from '../util/errors.js';
import { ARCHES } from '../util/arch.js';
import { archSupports, registerQemu, type ArchSupport, type Registration } from '../vps/index.js';
import type { CheckResult } from './types.js';

// Doctor's line per arch: which ones this host's cells can run, and how. One that cannot is a warning, never
// a failure: cells of the host's own arch need none of it. `--fix` installs qemu-user-static (through the
// packages of the failed checks) and registers what is missing, never changing an entry already there.

export async function archChecks(): Promise<CheckResult[]> {
  const all = await archSupports([...ARCHES]);
  return [...all.values()].map((s) => ({ name: `arch ${s.arch}`, ...describeArch(s) }));
}

/** An arch's support as a doctor check (its name aside). */
export function describeArch(s: ArchSupport): Omit<CheckResult, 'name'> {
  if (s.runs) return { ok: true, detail: s.how === 'native' ? 'native' : `qemu-user via ${s.interpreter}` };
  const fix = s.fix ?? [];
  return {
    ok: false,
    warn: true,
    detail: s.problem ?? `cells of ${s.arch} cannot run`,
    fix: fix.length ? fix.join('\n') : undefined,
    packages: fix.some((l) => l.startsWith('apt-get install')) ? ['qemu-user-static'] : undefined,
    repair: fix[0] === 'vmatrix doctor --fix' ? () => repair(s.arch) : undefined,
  };
}

async function repair(arch: string): Promise<string> {
  try {
    return describeRegistration(await registerQemu([arch]));
  } catch (e) {
    return `could not register: ${messageOf(e)}`;
  }
}

export function describeRegistration(r: Registration): string {
  const done = [
    ...(r.mounted ? ['mounted binfmt_misc'] : []),
    ...(r.registered.length ? [`registered ${r.registered.join(', ')} in binfmt_misc`] : []),
    ...r.problems,
  ];
  return done.length ? done.join('; ') : 'already registered';
}
