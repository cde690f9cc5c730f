import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceSpec } from '../../src/catalog/types.js';
import { ensureImage } from '../../src/images/index.js';
import type { Store } from '../../src/store/index.js';
import { VmError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';
import { memoryLogger, testDistro } from '../helpers/distro.js';
import { storeMaker } from '../helpers/store.js';
import { tarOf } from '../helpers/tar.js';

// Ubuntu's layout (a tarball, SHA256SUMS, SHA256SUMS.gpg) on a real HTTP server on 127.0.0.1, signed with
// keys this test makes with gpg; the keyring vmatrix trusts is given through $VMATRIX_KEYRING_DIR, and the
// real gpgv checks the signatures.

const work = await mkdtemp(join(tmpdir(), 'vmx-images-signature-'));
const keyrings = join(work, 'keys');
const tarball = gzipSync(
  await tarOf([
    { name: './', type: 'directory' },
    { name: './etc/os-release', content: 'ID=testos\nVERSION_ID=1\n' },
  ]),
);
const digest = createHash('sha256').update(tarball).digest('hex');
const NAME = 'ubuntu-base-24.04.1-base-amd64.tar.gz';
const sums = Buffer.from(`${'0'.repeat(64)} *ubuntu-base-24.04.1-base-arm64.tar.gz\n${digest} *${NAME}\n`);

/** Makes a signing key in its own GNUPGHOME; returns its fingerprint and a signer of detached signatures. */
function makeKey(name: string): { fingerprint: string; sign: (data: Buffer) => Buffer; home: string } {
  const home = join(work, `gnupg-${name}`);
  execFileSync('mkdir', ['-m', '700', '-p', home]);
  const gpg = (args: string[], input?: Buffer): Buffer =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  gpg(['--quick-gen-key', `${name} <${name}@example.invalid>`, 'ed25519', 'sign', 'never']);
  const fpr = gpg(['--with-colons', '--list-keys'])
    .toString()
    .split('\n')
    .find((l) => l.startsWith('fpr:'))!
    .split(':')[9]!;
  return { fingerprint: fpr, home, sign: (data) => gpg(['--local-user', fpr, '--detach-sign', '--output', '-'], data) };
}

let server: Server;
let routes: Record<string, Buffer> = {};
const url = (path: string): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
let good: ReturnType<typeof makeKey>;
let other: ReturnType<typeof makeKey>;
const freshStore = storeMaker(work);

beforeAll(async () => {
  good = makeKey('cdimage-test');
  other = makeKey('someone-else');
  await mkdir(keyrings);
  await writeFile(
    join(keyrings, 'test-cdimage.gpg'),
    execFileSync('gpg', ['--homedir', good.home, '--export', good.fingerprint]),
  );
  process.env.VMATRIX_KEYRING_DIR = keyrings;
  const signed = good.sign(sums);
  routes = {
    [`/good/${NAME}`]: tarball,
    '/good/SHA256SUMS': sums,
    '/good/SHA256SUMS.gpg': signed,
    // The list changed after it was signed: a digest swapped for one of the attacker's choosing.
    [`/altered/${NAME}`]: tarball,
    '/altered/SHA256SUMS': Buffer.from(sums.toString().replace(digest, '1'.repeat(64))),
    '/altered/SHA256SUMS.gpg': signed,
    [`/other/${NAME}`]: tarball,
    '/other/SHA256SUMS': sums,
    '/other/SHA256SUMS.gpg': other.sign(sums),
    [`/nosig/${NAME}`]: tarball,
    '/nosig/SHA256SUMS': sums,
    // As Ubuntu does for older releases: one signature by a key we do not ship, then one by the expected key.
    [`/two/${NAME}`]: tarball,
    '/two/SHA256SUMS': sums,
    '/two/SHA256SUMS.gpg': Buffer.concat([other.sign(sums), signed]),
    [`/garbage/${NAME}`]: tarball,
    '/garbage/SHA256SUMS': sums,
    '/garbage/SHA256SUMS.gpg': Buffer.from('not a signature\n'),
  };
  server = createServer((req, res) => {
    const body = routes[req.url!];
    res.writeHead(body ? 200 : 404).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  delete process.env.VMATRIX_KEYRING_DIR;
  server.close();
  for (const k of [good, other]) if (k) execFileSync('gpgconf', ['--homedir', k.home, '--kill', 'gpg-agent']);
  await rm(work, { recursive: true, force: true });
});

function spec(dir: string, fingerprint = good?.fingerprint): SourceSpec {
  return {
    kind: 'tarball',
    url: url(`/${dir}/${NAME}`),
    sha256sums: url(`/${dir}/SHA256SUMS`),
    signature: { file: 'SHA256SUMS.gpg', key: 'test-cdimage', fingerprint },
  };
}

async function refusal(store: Store, s: SourceSpec): Promise<VmError> {
  const e = await ensureImage(store, testDistro([s]), { log: memoryLogger() }).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof VmError)) throw new Error(`expected a VmError, got ${String(e)}`);
  return e;
}

/** Nothing downloaded, nothing extracted, nothing left in the store's temp dir. */
async function expectNothingStored(store: Store): Promise<void> {
  expect(await store.listImages()).toEqual([]);
  expect(existsSync(store.blobPath(digest))).toBe(false);
  expect(await readdir(store.tmpDir()).catch(() => [])).toEqual([]);
}

describe('signed checksum lists (Ubuntu layout)', () => {
  it('a good signature by the expected key: the image is built', async () => {
    const store = await freshStore();
    const image = await ensureImage(store, testDistro([spec('good')]), { log: memoryLogger() });
    expect(image.cached).toBe(false);
    expect(image.meta.digest).toBe(digest);
    expect(await readFile(join(image.rootfs, 'etc/os-release'), 'utf8')).toContain('ID=testos');
  });

  it('a list altered after signing: refused, exit 3, nothing stored', async () => {
    const store = await freshStore();
    const e = await refusal(store, spec('altered'));
    expect(e).toMatchObject({ code: 'SIGNATURE_INVALID', exit: 3 });
    expect(e.message).toContain(`refusing ${url('/altered/SHA256SUMS')}`);
    expect(e.message).toContain('altered after signing');
    expect(e.message).toContain(`test-cdimage (${good.fingerprint})`);
    expect(e.hint).toContain('nothing was cached');
    await expectNothingStored(store);
  });

  it('a signature by another key: refused, nothing stored', async () => {
    const store = await freshStore();
    const e = await refusal(store, spec('other'));
    expect(e).toMatchObject({ code: 'SIGNATURE_INVALID', exit: 3 });
    expect(e.message).toContain('not signed by the expected key');
    expect(e.message).toContain(url('/other/SHA256SUMS.gpg'));
    await expectNothingStored(store);
  });

  it('a good signature, but the entry expects another primary key: refused', async () => {
    const store = await freshStore();
    const e = await refusal(store, spec('good', other.fingerprint));
    expect(e).toMatchObject({ code: 'SIGNATURE_INVALID', exit: 3 });
    await expectNothingStored(store);
  });

  it('no SHA256SUMS.gpg beside the list: refused, naming the URL and the key', async () => {
    const store = await freshStore();
    const e = await refusal(store, spec('nosig'));
    expect(e).toMatchObject({ code: 'SIGNATURE_MISSING', exit: 3 });
    expect(e.message).toContain(`its signature ${url('/nosig/SHA256SUMS.gpg')} could not be downloaded`);
    expect(e.message).toContain(`expected one by test-cdimage (${good.fingerprint})`);
    await expectNothingStored(store);
  });

  it('a signature file that holds no signature: refused', async () => {
    const store = await freshStore();
    expect(await refusal(store, spec('garbage'))).toMatchObject({ code: 'SIGNATURE_INVALID', exit: 3 });
    await expectNothingStored(store);
  });

  it('two signatures, one by a key we do not have and one by the expected key: accepted (gpgv exits non-zero here)', async () => {
    const store = await freshStore();
    const image = await ensureImage(store, testDistro([spec('two')]), { log: memoryLogger() });
    expect(image.meta.digest).toBe(digest);
  });

  it('an image built earlier is not reused when the signature turns bad later: refused', async () => {
    const store = await freshStore();
    routes['/flip/SHA256SUMS'] = sums;
    routes['/flip/SHA256SUMS.gpg'] = routes['/good/SHA256SUMS.gpg']!;
    routes[`/flip/${NAME}`] = tarball;
    await ensureImage(store, testDistro([spec('flip')]), { log: memoryLogger() });
    routes['/flip/SHA256SUMS.gpg'] = other.sign(sums);
    expect(await refusal(store, spec('flip'))).toMatchObject({ code: 'SIGNATURE_INVALID', exit: 3 });
  });

  it('a keyring that is not there: a configuration error naming the file', async () => {
    const store = await freshStore();
    const s = spec('good');
    if (s.kind === 'tarball')
      s.signature = { file: 'SHA256SUMS.gpg', key: 'no-such-key', fingerprint: good.fingerprint };
    const e = await refusal(store, s);
    expect(e).toMatchObject({ code: 'SIGNATURE_NO_KEYRING', exit: 2 });
    expect(e.message).toContain(join(keyrings, 'no-such-key.gpg'));
    await expectNothingStored(store);
  });
});

describe('vmatrix image pull of a signed entry (the built CLI)', () => {
  it('a list altered after signing: exit 3, a message naming the list, the key and what to do, no stack trace, nothing stored', async () => {
    const catalog = join(work, 'catalog');
    await mkdir(catalog, { recursive: true });
    const s = spec('altered');
    if (s.kind !== 'tarball' || !s.signature) throw new Error('a signed tarball spec');
    await writeFile(
      join(catalog, 'signedos.yml'),
      [
        'family: signedos',
        'packageManager: none',
        'arches: [amd64, arm64]',
        'releases:',
        '  - name: signedos-1',
        '    sources:',
        `      - { kind: tarball, url: "${s.url}", sha256sums: "${s.sha256sums}", signature: { file: SHA256SUMS.gpg, key: test-cdimage, fingerprint: ${good.fingerprint} } }`,
      ].join('\n'),
    );
    const home = join(work, 'cli-store');
    const r = await runCli(['image', 'pull', 'signedos-1'], {
      env: { VMATRIX_HOME: home, VMATRIX_CATALOG: catalog, VMATRIX_KEYRING_DIR: keyrings },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`refusing ${url('/altered/SHA256SUMS')}`);
    expect(r.stderr).toContain(`test-cdimage (${good.fingerprint})`);
    expect(r.stderr).toContain('nothing was cached');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // The store was made (so these lists are not empty for want of a store), and holds nothing.
    expect(await readdir(join(home, 'images'))).toEqual([]);
    expect(await readdir(join(home, 'blobs', 'sha256'))).toEqual([]);
  });
});
