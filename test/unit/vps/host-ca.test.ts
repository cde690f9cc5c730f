import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localCertificates } from '../../../src/vps/host-ca.js';

const pem = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

describe('localCertificates', () => {
  it('joins the PEM certificates of the *.crt files, in subdirectories too, in name order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vmx-ca-'));
    await mkdir(join(dir, 'corp'));
    await writeFile(join(dir, 'b-proxy.crt'), `subject=proxy\n${pem('QkJC')}\n`);
    await writeFile(join(dir, 'corp', 'root.crt'), pem('Q0ND'));
    await writeFile(join(dir, 'a-notes.txt'), pem('SUdOT1JFRA==')); // not a .crt: update-ca-certificates ignores it too
    await writeFile(join(dir, 'empty.crt'), 'no certificate in here\n');
    expect(await localCertificates(dir)).toBe(`${pem('QkJC')}\n${pem('Q0ND')}\n`);
  });

  it('is empty for a directory with none, or none at all', async () => {
    expect(await localCertificates(await mkdtemp(join(tmpdir(), 'vmx-ca-')))).toBe('');
    expect(await localCertificates(join(tmpdir(), 'vmx-no-such-dir'))).toBe('');
  });
});
