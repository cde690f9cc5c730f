import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SignatureSpec } from '../catalog/types.js';
import { envError, isVmError, usageError } from '../util/errors.js';
import { execCapture } from '../util/exec.js';
import { packageRoot } from '../util/package-root.js';

// Detached OpenPGP signatures over what upstream signs (a checksum list), checked by gpgv against one
// keyring file: the one shipped in distros/keys, or the one in $VMATRIX_KEYRING_DIR (tests, mirrors
// re-signed by their operator). gpgv has no network code and gets an empty temp homedir, so no key can
// come from anywhere else. Its exit code says nothing useful when a file carries several signatures (it
// fails for the one whose key we lack); only its --status-fd lines decide.

/** The directory keyrings are read from: `$VMATRIX_KEYRING_DIR`, else the package's distros/keys. */
export function keyringDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VMATRIX_KEYRING_DIR ? resolve(env.VMATRIX_KEYRING_DIR) : join(packageRoot(), 'distros', 'keys');
}

export function keyringPath(key: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(keyringDir(env), `${key}.gpg`);
}

export interface SignedFile {
  /** Where the data came from, for messages. */
  url: string;
  data: Buffer;
  signatureUrl: string;
  signature: Buffer;
}

/** Resolves when `file.signature` is a good signature over `file.data` by the key `spec` names; else throws. */
export async function verifySignature(file: SignedFile, spec: SignatureSpec): Promise<void> {
  await gpgv(file, spec, async (dir) => {
    await writeFile(join(dir, 'data'), file.data);
    await writeFile(join(dir, 'data.sig'), file.signature);
    return [join(dir, 'data.sig'), join(dir, 'data')];
  });
}

/**
 * The text an OpenPGP clearsigned file (Gentoo's latest-stage3-*.txt and .DIGESTS) signs, as gpgv writes it
 * out once it has found a good signature by the key `spec` names; else throws. Only this text may be read:
 * lines outside the signed part of the file are not covered by the signature.
 */
export async function verifyClearsigned(
  file: { url: string; data: Buffer },
  spec: Pick<SignatureSpec, 'key' | 'fingerprint'>,
): Promise<Buffer> {
  let signed = Buffer.alloc(0);
  await gpgv(
    { ...file, signatureUrl: file.url },
    spec,
    async (dir) => {
      await writeFile(join(dir, 'data.asc'), file.data);
      return ['--output', join(dir, 'signed'), join(dir, 'data.asc')];
    },
    async (dir) => {
      signed = await readFile(join(dir, 'signed'));
    },
  );
  return signed;
}

async function gpgv(
  file: { url: string; signatureUrl: string },
  spec: Pick<SignatureSpec, 'key' | 'fingerprint'>,
  inputs: (dir: string) => Promise<string[]>,
  after?: (dir: string) => Promise<void>,
): Promise<void> {
  if (!existsSync(keyringPath(spec.key))) throw refused(file, spec, 'no-keyring', 'no such file');
  const dir = await mkdtemp(join(tmpdir(), 'vmatrix-gpgv-'));
  try {
    const files = await inputs(dir);
    const home = join(dir, 'home');
    await mkdir(home, { mode: 0o700 });
    const r = await execCapture(
      'gpgv',
      ['--homedir', home, '--status-fd', '1', '--keyring', keyringPath(spec.key), ...files],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } },
    ).catch((e: unknown) => {
      throw isVmError(e) && e.code === 'PROGRAM_NOT_FOUND'
        ? envError(
            'PROGRAM_NOT_FOUND',
            `gpgv is needed to check the signature of ${file.url}, and it is not installed`,
            { hint: 'install the gpgv package (apt-get install gpgv)', cause: e },
          )
        : e;
    });
    const verdict = judge(r.stdout, spec.fingerprint);
    if (verdict !== 'good') throw refused(file, spec, verdict, r.stderr);
    await after?.(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Verdict = 'good' | 'bad' | 'unknown-key' | 'no-keyring' | 'no-signature';

/**
 * The status lines' verdict. Good: a VALIDSIG whose primary key is `fingerprint`, with its GOODSIG, and
 * no BADSIG at all (one forged signature beside a good one is an attack, not noise). An ERRSIG for a key we
 * do not have is allowed: Ubuntu signs some lists with an old key as well as the current one.
 */
export function judge(status: string, fingerprint: string): Verdict {
  const lines = status
    .split('\n')
    .filter((l) => l.startsWith('[GNUPG:] '))
    .map((l) => l.slice(9).trim().split(/\s+/));
  const want = fingerprint.toUpperCase();
  if (lines.some((l) => l[0] === 'BADSIG')) return 'bad';
  const valid = lines.find((l) => l[0] === 'VALIDSIG' && (l[10] ?? l[1])?.toUpperCase() === want);
  const goodIds = new Set(lines.filter((l) => l[0] === 'GOODSIG').map((l) => l[1]?.toUpperCase()));
  if (valid && goodIds.has(valid[1].toUpperCase().slice(-16))) return 'good';
  if (lines.some((l) => l[0] === 'NODATA')) return 'no-signature';
  if (
    lines.some(
      (l) =>
        l[0] === 'ERRSIG' ||
        l[0] === 'NO_PUBKEY' ||
        l[0] === 'VALIDSIG' ||
        l[0] === 'GOODSIG' ||
        l[0] === 'EXPKEYSIG' ||
        l[0] === 'REVKEYSIG',
    )
  )
    return 'unknown-key';
  return 'no-keyring';
}

const WHY: Record<Exclude<Verdict, 'good'>, string> = {
  bad: 'the signature does not match the file: it was altered after signing, or is not what upstream published',
  'unknown-key': 'it is not signed by the expected key (signed by another key, or by an expired or revoked one)',
  'no-keyring': 'gpgv could not use the keyring',
  'no-signature': 'the signature file holds no OpenPGP signature',
};

function refused(
  file: { url: string; signatureUrl: string },
  spec: Pick<SignatureSpec, 'key' | 'fingerprint'>,
  verdict: Exclude<Verdict, 'good'>,
  stderr: string,
): Error {
  const keyring = keyringPath(spec.key);
  if (verdict === 'no-keyring') {
    return usageError(
      'SIGNATURE_NO_KEYRING',
      `${file.url}: the keyring ${keyring} for key "${spec.key}" cannot be used: ` +
        `${stderr.trim().split('\n').at(-1) ?? ''}`,
      {
        hint: 'ship the key as distros/keys/<key>.gpg, or point $VMATRIX_KEYRING_DIR at a directory that holds it',
      },
    );
  }
  return envError(
    'SIGNATURE_INVALID',
    `refusing ${file.url}: ${WHY[verdict]}; expected a signature in ${file.signatureUrl} by ${spec.key} ` +
      `(${spec.fingerprint})`,
    {
      hint:
        'nothing was cached. Try again later or from another source; if the mirror is re-signed by its ' +
        'operator, put that key in $VMATRIX_KEYRING_DIR and name it in the catalog entry',
    },
  );
}
