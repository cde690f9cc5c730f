import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.js';
import { eolWarning, statusText, supportStatus } from '../../../src/catalog/status.js';
import type { DistroEntry } from '../../../src/catalog/types.js';
import { isVmError } from '../../../src/util/errors.js';
import { distrosJson, distrosTable } from '../../../src/cli/distros-table.js';

// Support status is data: an entry's eol (a date, or rolling) judged on a day the caller gives, never the
// clock. The days below are fixed.

const dir = await mkdtemp(join(tmpdir(), 'vmx-eol-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function entry(eol: string | undefined, extra: Partial<DistroEntry> = {}): DistroEntry {
  return {
    name: 'debian-11',
    family: 'debian',
    release: '11',
    aliases: [],
    description: 'Debian 11',
    packageManager: 'apt',
    shell: '/bin/sh',
    arch: 'amd64',
    arches: ['amd64'],
    sources: [{ kind: 'mmdebstrap', suite: 'bullseye' }],
    ...(eol !== undefined && { eol, eolSource: 'https://lts.example/' }),
    file: 'distros/debian.yml',
    ...extra,
  };
}

describe('supportStatus', () => {
  it('is supported through the eol day itself and EOL from the day after', () => {
    const e = entry('2026-08-31');
    expect(supportStatus(e, '2026-08-30')).toEqual({ state: 'supported', date: '2026-08-31' });
    expect(supportStatus(e, '2026-08-31')).toEqual({ state: 'supported', date: '2026-08-31' });
    expect(supportStatus(e, '2026-09-01')).toEqual({ state: 'eol', date: '2026-08-31' });
    expect(supportStatus(e, new Date('2026-12-04T23:59:00Z'))).toEqual({ state: 'eol', date: '2026-08-31' });
    expect(supportStatus(e, new Date('2026-08-31T23:59:59Z')).state).toBe('supported');
  });

  it('says rolling for a branch without an end, unknown for an entry without data', () => {
    expect(supportStatus(entry('rolling'), '2099-01-01')).toEqual({ state: 'rolling' });
    expect(supportStatus(entry(undefined), '2026-12-04')).toEqual({ state: 'unknown' });
  });

  it('reads as the STATUS column of vmatrix distros', () => {
    expect(statusText(supportStatus(entry('2028-06-30'), '2026-12-04'))).toBe('supported until 2028-06-30');
    expect(statusText(supportStatus(entry('2026-08-31'), '2026-12-04'))).toBe('EOL since 2026-08-31');
    expect(statusText(supportStatus(entry('rolling'), '2026-12-04'))).toBe('rolling');
    expect(statusText(supportStatus(entry(undefined), '2026-12-04'))).toBe('unknown');
  });
});

describe('eolWarning', () => {
  it('warns about an EOL release with its date, its source and what to do', () => {
    expect(eolWarning(entry('2026-08-31'), '2026-12-04')).toBe(
      'debian-11 is past its end of life (EOL since 2026-08-31, https://lts.example/): it gets no security ' +
        'updates and its mirrors may drop it; test on a supported debian release as well (`vmatrix distros` ' +
        "shows each one's status)",
    );
  });

  it('says nothing about a supported, rolling or unknown one', () => {
    expect(eolWarning(entry('2026-08-31'), '2026-08-31')).toBeUndefined();
    expect(eolWarning(entry('rolling'), '2026-12-04')).toBeUndefined();
    expect(eolWarning(entry(undefined), '2026-12-04')).toBeUndefined();
  });
});

describe('vmatrix distros output', () => {
  it('has a STATUS column, and status beside eol in the JSON', () => {
    const entries = [entry('2026-08-31'), entry('rolling', { name: 'debian-sid', eolSource: undefined })];
    expect(distrosTable(entries, '2026-12-04').split('\n')).toEqual([
      'NAME        ALIASES  PACKAGES  ARCH   SOURCES     STATUS',
      'debian-11            apt       amd64  mmdebstrap  EOL since 2026-08-31',
      'debian-sid           apt       amd64  mmdebstrap  rolling',
    ]);
    expect(distrosJson(entries, '2026-08-01').map((d) => [d.name, d.eol, d.status])).toEqual([
      ['debian-11', '2026-08-31', { state: 'supported', date: '2026-08-31' }],
      ['debian-sid', 'rolling', { state: 'rolling' }],
    ]);
  });
});

describe('eol in catalog files', () => {
  async function load(name: string, lines: string[]) {
    const sub = join(dir, name);
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    await writeFile(join(sub, 'x.yml'), lines.join('\n'));
    return loadCatalog([sub]);
  }

  it("carries eol into the entry, and the family's eolSource into each release", async () => {
    const catalog = await load('ok', [
      'family: x',
      'packageManager: apt',
      'eolSource: https://x.example/eol',
      'sources: [{ kind: busybox }]',
      'releases:',
      '  - { name: x-1, eol: 2026-01-31 }',
      '  - { name: x-2, eol: rolling }',
      '  - { name: x-3 }',
    ]);
    expect(catalog.list().map((e) => [e.name, e.eol, e.eolSource])).toEqual([
      ['x-1', '2026-01-31', 'https://x.example/eol'],
      ['x-2', 'rolling', 'https://x.example/eol'],
      ['x-3', undefined, 'https://x.example/eol'],
    ]);
  });

  it('refuses a dated eol without a source, a day not on the calendar, and a word other than rolling', async () => {
    const e = await load('bad', [
      'family: y', // 1
      'packageManager: apt', // 2
      'sources: [{ kind: busybox }]', // 3
      'releases:', // 4
      '  - { name: y-1, eol: 2026-01-31 }', // 5
      '  - { name: y-2, eol: 2026-02-30, eolSource: "https://y.example/" }', // 6
    ]).catch((x: unknown) => x);
    expect(isVmError(e) && e.code).toBe('CATALOG_INVALID');
    const file = join(dir, 'bad', 'x.yml');
    expect((e as Error).message.split('\n')).toEqual([
      `${file}:5: releases[0].eolSource: y-1 has an eol date but no eolSource: give the URL that publishes it`,
      `${file}:6: releases[1].eol: "2026-02-30" is not a date of the calendar (YYYY-MM-DD)`,
    ]);
    const soon = await load('soon', [
      'family: z',
      'packageManager: apt',
      'sources: [{ kind: busybox }]',
      'releases:',
      '  - { name: z-1, eol: soon }',
    ]).catch((x: unknown) => x);
    expect((soon as Error).message).toBe(
      `${join(dir, 'soon', 'x.yml')}:5: releases[0].eol: expected a date YYYY-MM-DD or the word rolling`,
    );
  });
});
