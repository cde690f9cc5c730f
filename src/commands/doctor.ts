import { Flags } from '../cli/oclif.js';
import { applyFix, fixCommand, runDoctor } from '../doctor/index.js';
import { BaseCommand } from './_base.js';

export default class Doctor extends BaseCommand {
  static override summary = 'Check that this host can run cells, and say how to fix what is missing.';
  static override description =
    "Checks root, overlayfs, namespaces, user namespaces (root's subordinate ids in /etc/subuid " +
    "and /etc/subgid, and Ubuntu's AppArmor restriction), the OCI runtime (and why it was " +
    "chosen), which resource limits (memory, cpus, pids) the host's cgroups can apply, " +
    "mmdebstrap, busybox-static, decompressors, the Debian mirror of the host's apt sources, and which CPU " +
    'architectures cells can run: natively, or through qemu-user registered in binfmt_misc (a warning when ' +
    "one cannot: the host's own needs none of it).";
  static override examples = [
    '<%= config.bin %> doctor',
    {
      description: "Install what is missing with the host's package manager",
      command: '<%= config.bin %> doctor --fix',
    },
  ];
  static override flags = {
    fix: Flags.boolean({
      description:
        "Install missing packages with the host's package manager, give root subordinate ids for user namespaces, " +
        "and register qemu-user-static's interpreters in binfmt_misc (mounting it when needed) for foreign arches.",
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    let results = await runDoctor();
    let command = await fixCommand(results);
    const repairs = results.filter((r) => !r.ok && r.repair);
    if (flags.fix && (command || repairs.length)) {
      if (command) {
        this.log(`installing: ${command.join(' ')}`);
        await applyFix(command);
      }
      for (const r of repairs) this.log(`${r.name}: ${await r.repair!()}`);
      results = await runDoctor();
      command = await fixCommand(results);
    }
    for (const r of results) {
      this.log(`${r.ok ? 'ok  ' : r.warn ? 'WARN' : 'FAIL'}  ${r.name}: ${r.detail}`);
      if (!r.ok && r.fix) this.log(`      fix: ${r.fix.replaceAll('\n', '\n           ')}`);
    }
    const failed = results.filter((r) => !r.ok && !r.warn);
    if (command) this.log(`\nto install what is missing: ${command.join(' ')}   (or: vmatrix doctor --fix)`);
    if (failed.length) this.exit(3);
    this.log('\nthis host can run vmatrix cells');
  }
}
