import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { expandMatrix } from '../../../src/matrix/index.js';
import { VmError } from '../../../src/util/errors.js';

// `boot:`, `boot_timeout:`, `boot` in overrides and include entries, and `services:` (issue 20): what they
// become in Config, and the mistakes said with their line.

const parse = (text: string) => parseConfig(text, 'vmatrix.yml');

function configError(text: string): VmError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof VmError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('boot', () => {
  it('is off, with a 60 s boot timeout, unless the file says otherwise', () => {
    const config = parse('distros: [debian-12]\ntest: make\n');
    expect(config.boot).toBe(false);
    expect(config.bootTimeout).toBe(60_000);
    expect(config.services).toEqual([]);
    const booted = parse('distros: [debian-12]\ntest: make\nboot: true\nboot_timeout: 2m30s\n');
    expect(booted.boot).toBe(true);
    expect(booted.bootTimeout).toBe(150_000);
    expect(parse('distros: [d]\ntest: x\nboot_timeout: 90\n').bootTimeout).toBe(90_000);
  });

  it('takes boot in overrides', () => {
    const config = parse(
      'distros: [debian-12]\ntest: make\noverrides: { alpine: { boot: true }, void: { boot: false } }\n',
    );
    expect(config.overrides).toEqual([
      { pattern: 'alpine', boot: true },
      { pattern: 'void', boot: false },
    ]);
  });

  it('says a wrong boot or boot_timeout with its line', () => {
    const e = configError(
      [
        'distros: [debian-12]', //                       1
        'test: make', //                                 2
        'boot: yes please', //                           3
        'boot_timeout: soon', //                         4
        'overrides: { debian: { boot: 1 } }', //         5
        'include:', //                                   6
        '  - { distro: debian-12, boot: "true" }', //    7
      ].join('\n'),
    );
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message.split('\n')).toEqual([
      'vmatrix.yml:3: boot: expected true/false',
      'vmatrix.yml:4: boot_timeout: expected a duration like 90s, 15m or 1h30m',
      'vmatrix.yml:5: overrides.debian.boot: expected true/false',
      'vmatrix.yml:7: include[0].boot: expected true/false',
    ]);
    expect(configError('distros: [d]\ntest: x\nboot_timeout: 0s\n').message).toMatch(
      /^vmatrix\.yml:3: boot_timeout: "0s" is no time at all: .* leave it out for 60s$/,
    );
  });

  it('is no axis in an include entry: not in ids, slugs or axes, only on the cells the entry reaches', () => {
    const config = parse(
      [
        'distros: [debian-12, alpine-3.20]',
        'test: make',
        'matrix: { cc: [gcc, clang] }',
        'include:',
        '  - { distro: debian-12, boot: true }', //               extends both debian cells
        '  - { distro: debian-12, cc: clang, boot: false }', //   a later entry wins for this one
        '  - { distro: fedora-41, cc: gcc, boot: true }', //      adds a cell
      ].join('\n'),
    );
    const cells = expandMatrix(config, { arches: ['amd64'] });
    expect(cells.map((c) => [c.id, c.slug, c.axes, c.boot])).toEqual([
      ['debian-12/cc=gcc', 'debian-12-cc-gcc', { cc: 'gcc' }, true],
      ['debian-12/cc=clang', 'debian-12-cc-clang', { cc: 'clang' }, false],
      ['alpine-3.20/cc=gcc', 'alpine-3-20-cc-gcc', { cc: 'gcc' }, undefined],
      ['alpine-3.20/cc=clang', 'alpine-3-20-cc-clang', { cc: 'clang' }, undefined],
      ['fedora-41/cc=gcc', 'fedora-41-cc-gcc', { cc: 'gcc' }, true],
    ]);
    expect('boot' in cells[2]!).toBe(false);
  });

  it('is no axis a placeholder can name, nor one the matrix can have', () => {
    expect(
      configError('distros: [d]\ntest: echo ${{ matrix.boot }}\ninclude: [{ distro: d, boot: true }]\n').message,
    ).toBe('vmatrix.yml:2: test: unknown axis "boot" in ${{ matrix.boot }} (the matrix has no axes)');
    expect(configError('distros: [d]\ntest: x\nmatrix: { boot: [a] }\n').message).toMatch(
      /^vmatrix\.yml:3: matrix\.boot: boot is not an axis/,
    );
  });
});

describe('services', () => {
  it('are read in the order written, with their defaults filled in', () => {
    const config = parse(
      [
        'distros: [debian-12]',
        'test: make',
        'install_recommends: false',
        'services:',
        '  db:',
        '    distro: debian-12',
        '    packages: [postgresql]',
        '    setup: [pg_ctlcluster 15 main start]',
        '    env: { PGPORT: 5432, DEBUG: true }',
        '    run: exec postgres -D /var/lib/postgresql',
        '    ready: pg_isready',
        '    ready_timeout: 2m',
        '  cache:',
        '    distro: alpine-3.20',
        '    install_recommends: true',
        '    boot: true',
      ].join('\n'),
    );
    expect(config.services).toEqual([
      {
        name: 'db',
        distro: 'debian-12',
        packages: ['postgresql'],
        setup: ['pg_ctlcluster 15 main start'],
        env: { PGPORT: '5432', DEBUG: 'true' },
        run: 'exec postgres -D /var/lib/postgresql',
        boot: false,
        ready: 'pg_isready',
        readyTimeout: 120_000,
      },
      {
        name: 'cache',
        distro: 'alpine-3.20',
        packages: [],
        installRecommends: true,
        setup: [],
        env: {},
        boot: true,
        readyTimeout: 60_000,
      },
    ]);
  });

  it('say each mistake with its line: name, run and boot, placeholders, unknown keys, missing distro', () => {
    const e = configError(
      [
        'distros: [debian-12]', //                                1
        'test: make', //                                          2
        'matrix: { v: [1] }', //                                  3
        'services:', //                                           4
        '  Db: { distro: debian-12, run: x }', //                 5
        '  localhost: { distro: debian-12, run: x }', //          6
        '  both:', //                                             7
        '    distro: debian-12', //                               8
        '    run: redis-server', //                               9
        '    boot: true', //                                      10
        '  neither:', //                                          11
        '    distro: debian-12', //                               12
        '    boot: false', //                                     13
        '  templated:', //                                        14
        '    distro: "debian-${{ matrix.v }}"', //                15
        '    run: "serve --v ${{ matrix.v }}"', //                16
        '  typo:', //                                             17
        '    distro: debian-12', //                               18
        '    run: x', //                                          19
        '    readdy: x', //                                       20
        '  nodistro: { run: x }', //                              21
        '  a-very-long-service-name-that-is-too-long: { distro: d, run: x }', // 22
      ].join('\n'),
    );
    expect(e.code).toBe('CONFIG_INVALID');
    const lines = e.message.split('\n');
    expect(lines).toEqual([
      'vmatrix.yml:5: services.Db: a service name is a hostname: lower-case letters, digits and -, starting with a ' +
        'letter, at most 31 characters',
      'vmatrix.yml:6: services.localhost: localhost names the cell itself: give the service another name',
      'vmatrix.yml:20: services.typo.readdy: unknown key (did you mean "ready"?)',
      'vmatrix.yml:21: services.nodistro.distro: required key is missing',
      'vmatrix.yml:22: services.a-very-long-service-name-that-is-too-long: a service name is a hostname: lower-case ' +
        'letters, digits and -, starting with a letter, at most 31 characters',
    ]);
    // The rules across fields come once the schema has passed.
    const rules = configError(
      [
        'distros: [debian-12]', //                                1
        'test: make', //                                          2
        'matrix: { v: [1] }', //                                  3
        'services:', //                                           4
        '  both:', //                                             5
        '    distro: debian-12', //                               6
        '    run: redis-server', //                               7
        '    boot: true', //                                      8
        '  neither:', //                                          9
        '    distro: debian-12', //                               10
        '    boot: false', //                                     11
        '  templated:', //                                        12
        '    distro: "debian-${{ matrix.v }}"', //                13
        '    run: "serve --v ${{ matrix.v }}"', //                14
        '    ready_timeout: 0s', //                                15
      ].join('\n'),
    ).message.split('\n');
    expect(rules).toEqual([
      'vmatrix.yml:8: services.both.boot: a service has either `run:` (its process) or `boot: true` (its init ' +
        'starts what setup enabled), not both: leave one out',
      'vmatrix.yml:9: services.neither: say what the service runs: `run: <command>` (its process, in the ' +
        'foreground) or `boot: true` (its init starts what setup enabled)',
      'vmatrix.yml:13: services.templated.distro: placeholders (${{ … }}) are not supported in services: a service ' +
        'is one cell for the whole matrix; write the value itself',
      'vmatrix.yml:14: services.templated.run: placeholders (${{ … }}) are not supported in services: a service ' +
        'is one cell for the whole matrix; write the value itself',
      'vmatrix.yml:15: services.templated.ready_timeout: "0s" is no time at all: give a duration like 90s or 15m, or ' +
        'leave it out for 60s',
    ]);
  });
});
