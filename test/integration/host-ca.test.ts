import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProjectFrom } from '../helpers/project.js';

// Behind a TLS-inspecting proxy, the host trusts the proxy's CA through a certificate its admin added;
// cells with a network (setup's outbound one, a test step's host one) get it (src/vps/host-ca.ts). Real busybox cells, with a certificate
// directory of the test's own (VMATRIX_HOST_CA), so the result does not depend on this host's.

const CERT = '-----BEGIN CERTIFICATE-----\nVk1BVFJJWC1URVNULUNB\n-----END CERTIFICATE-----';

let project: string;
const runs: Record<string, CliResult> = {};
const logs: Record<string, string> = {};
let layerFiles: string[];

beforeAll(async () => {
  const work = await mkdtemp(join(tmpdir(), 'vmx-host-ca-'));
  await writeFile(join(work, 'proxy.crt'), `${CERT}\n`);
  const source = await mkdtemp(join(tmpdir(), 'vmx-host-ca-project-'));
  // The setup step proves it sees the certificate too: setup always has a network (outbound, not the host's).
  for (const network of ['host', 'none']) {
    await writeFile(
      join(source, `${network}.yml`),
      `distros: [busybox]
setup: grep -q Vk1BVFJJWC1URVNULUNB "$NODE_EXTRA_CA_CERTS"
network: ${network}
test: 'echo "ca=\${NODE_EXTRA_CA_CERTS:-none}"; cat /dev/vmatrix/host-ca.crt 2>/dev/null || echo "no certificate"'
`,
    );
  }
  project = await gitProjectFrom(source);
  const home = join(work, 'store');
  const env = { VMATRIX_HOME: home, VMATRIX_HOST_CA: work };
  for (const network of ['host', 'none']) {
    runs[network] = await runCli(['test', '--config', `${network}.yml`, '--allow-host-network'], { cwd: project, env });
    logs[network] = await readFile(join(project, '.vmatrix/runs/latest/busybox/log.txt'), 'utf8');
  }
  // Every path in the store's setup layers: the certificate's mount point must never be left in one.
  layerFiles = (await readdir(join(home, 'layers'), { recursive: true })).map(String);
}, 120_000);

describe("the host's added CA certificates", () => {
  it('reach setup (outbound network) and the cells with the host network, read-only, named by NODE_EXTRA_CA_CERTS', async () => {
    expect(runs.host!.code, runs.host!.stdout + runs.host!.stderr).toBe(0);
    expect(logs.host).toContain('ca=/dev/vmatrix/host-ca.crt');
    expect(logs.host).toContain(CERT);
  });

  it('never reach a cell without the network, nor the setup layer', async () => {
    expect(runs.none!.code, runs.none!.stdout + runs.none!.stderr).toBe(0);
    expect(logs.none).toContain('ca=none');
    expect(logs.none).toContain('no certificate');
    expect(layerFiles.some((f) => f.endsWith('/diff'))).toBe(true); // the setup step did build a layer
    expect(layerFiles.filter((f) => /host-ca|dev\/vmatrix/.test(f))).toEqual([]);
  });
});
