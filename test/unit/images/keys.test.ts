import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.js';
import { judge, verifySignature } from '../../../src/images/signature.js';
import { packageRoot } from '../../../src/util/package-root.js';

// The keys shipped in distros/keys are what their README says they are, and every signed catalog entry
// names a shipped key by its real fingerprint.

const KEYS = join(packageRoot(), 'distros', 'keys');
const home = mkdtempSync(join(tmpdir(), 'vmx-keys-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The README's table: keyring file → fingerprint. */
function documented(): Map<string, string> {
  const rows = readFileSync(join(KEYS, 'README.md'), 'utf8')
    .split('\n')
    .filter((l) => /^\| \S+\.gpg \|/.test(l));
  return new Map(
    rows.map((r) => {
      const cells = r.split('|').map((c) => c.trim());
      return [cells[1]!, cells[3]!];
    }),
  );
}

/** The colon listing of a keyring file, as gpg reads it without importing it anywhere. */
function show(file: string): string[][] {
  return execFileSync('gpg', ['--homedir', home, '--batch', '--with-colons', '--show-keys', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':'));
}

describe('distros/keys', () => {
  it('every keyring file is in the README, and holds exactly one public key with the fingerprint listed there', () => {
    const files = readdirSync(KEYS)
      .filter((f) => f.endsWith('.gpg'))
      .sort();
    expect(files).toEqual([...documented().keys()].sort());
    expect(files).toContain('ubuntu-cdimage.gpg');
    for (const [file, fingerprint] of documented()) {
      const lines = show(join(KEYS, file));
      expect(
        lines.filter((l) => l[0] === 'pub'),
        file,
      ).toHaveLength(1);
      expect(
        lines.filter((l) => l[0] === 'sec' || l[0] === 'ssb'),
        file,
      ).toEqual([]);
      // The first fpr line follows the pub line: the primary key's.
      expect(lines.find((l) => l[0] === 'fpr')?.[9], file).toBe(fingerprint);
    }
    expect(documented().get('ubuntu-cdimage.gpg')).toBe('843938DF228D22F7B3742BC0D94AA3F0EFE21092');
  });

  it('every signed catalog entry names a shipped key by its fingerprint', async () => {
    const catalog = await loadCatalog([join(packageRoot(), 'distros')]);
    const signed = catalog
      .list()
      .flatMap((e) => e.sources)
      .flatMap((s) => (s.kind === 'tarball' && s.signature ? [s.signature] : []));
    expect(signed.length).toBeGreaterThanOrEqual(3); // the Ubuntu base tarball of each release, for the host's arch
    for (const sig of signed) expect(documented().get(`${sig.key}.gpg`)).toBe(sig.fingerprint);
  });
});

describe('the shipped Ubuntu key against a signature Ubuntu made', () => {
  const FIXTURE = join(packageRoot(), 'test', 'fixtures', 'ubuntu-signed');
  const spec = {
    file: 'SHA256SUMS.gpg',
    key: 'ubuntu-cdimage',
    fingerprint: '843938DF228D22F7B3742BC0D94AA3F0EFE21092',
  };
  const signed = async (data?: Buffer): Promise<Parameters<typeof verifySignature>[0]> => ({
    url: 'SHA256SUMS',
    signatureUrl: 'SHA256SUMS.gpg',
    data: data ?? (await readFile(join(FIXTURE, 'SHA256SUMS'))),
    signature: await readFile(join(FIXTURE, 'SHA256SUMS.gpg')),
  });

  it("verifies Ubuntu 20.04's SHA256SUMS with distros/keys/ubuntu-cdimage.gpg", async () => {
    expect(process.env.VMATRIX_KEYRING_DIR).toBeUndefined();
    await expect(verifySignature(await signed(), spec)).resolves.toBeUndefined();
  });

  it('refuses it with one byte changed', async () => {
    const data = await readFile(join(FIXTURE, 'SHA256SUMS'));
    data[0] = data[0] === 0x61 ? 0x62 : 0x61; // the first hex digit of the first checksum
    await expect(verifySignature(await signed(data), spec)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      exit: 3,
    });
  });
});

describe('judge (gpgv --status-fd lines)', () => {
  const FPR = '29EE3072F92637CA9038E4D5E7DFE8C69BB29C0F';
  const good = [
    '[GNUPG:] NEWSIG',
    '[GNUPG:] GOODSIG E7DFE8C69BB29C0F a <a@x.invalid>',
    `[GNUPG:] VALIDSIG ${FPR} 2026-12-03 1796330376 0 4 0 22 8 00 ${FPR}`,
  ];
  const unknown = [
    '[GNUPG:] NEWSIG',
    '[GNUPG:] ERRSIG FCFAC101D277BF3B 22 8 00 1796330376 9 7C5F98C85199B5A0B5918667FCFAC101D277BF3B',
    '[GNUPG:] NO_PUBKEY FCFAC101D277BF3B',
  ];

  it('good: a VALIDSIG by the expected primary key with its GOODSIG, even beside a signature by a key we lack', () => {
    expect(judge(good.join('\n'), FPR)).toBe('good');
    expect(judge([...unknown, ...good].join('\n'), FPR.toLowerCase())).toBe('good');
  });

  it('refuses a VALIDSIG by another primary key, a BADSIG anywhere, a lone ERRSIG, no data and no output', () => {
    expect(judge(good.join('\n'), '843938DF228D22F7B3742BC0D94AA3F0EFE21092')).toBe('unknown-key');
    expect(judge([...good, '[GNUPG:] BADSIG 0123456789ABCDEF x'].join('\n'), FPR)).toBe('bad');
    expect(judge(unknown.join('\n'), FPR)).toBe('unknown-key');
    expect(judge('[GNUPG:] NODATA 1\n', FPR)).toBe('no-signature');
    expect(judge('', FPR)).toBe('no-keyring');
    // A GOODSIG without its VALIDSIG (or the other way round) is not enough.
    expect(judge(good.slice(0, 2).join('\n'), FPR)).not.toBe('good');
    expect(judge([good[0], good[2]].join('\n'), FPR)).not.toBe('good');
  });
});
