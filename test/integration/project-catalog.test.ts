import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/project.js';

// A project's own catalog (`catalog:` in vmatrix.yml): its entries are distros like the built-in ones, and
// since the project is untrusted, its files stay inside it and its sources fetch only over http(s).

const TINY = `family: tiny
description: A busybox root of the project's own
packageManager: none
eol: rolling
releases:
  - name: tiny-1
    aliases: [tiny]
    sources: [{ kind: busybox }]
`;

const LOCAL = `family: local
packageManager: none
releases:
  - name: local-1
    sources:
      - { kind: tarball, url: "file:///etc/shadow", sha256: ${'0'.repeat(64)} }
      - kind: tarball
        url: /root/backup.tar
        sha256sums: https://mirror.example/SUMS
        signature: { file: "file:///etc/x.gpg", key: k, fingerprint: 843938DF228D22F7B3742BC0D94AA3F0EFE21092 }
      - { kind: mmdebstrap, suite: sid, mirror: "file:///srv/mirror" }
`;

const HINT = "a project's catalog fetches only over http(s); a local source belongs in $VMATRIX_CATALOG";

let env: Record<string, string>;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vmx-pcat-'));
  env = { VMATRIX_HOME: join(work, 'store') };
});

const project = (config: string, files: Record<string, string> = {}): Promise<string> =>
  gitRepo({ 'vmatrix.yml': config, ...files });

describe("a project's catalog: key", () => {
  it('adds its entries: distros lists them, test runs cells on them, image pull fetches them', async () => {
    const dir = await project('distros: [tiny]\ncatalog: ci/distros\ntest: cat /etc/os-release\n', {
      'ci/distros/tiny.yml': TINY,
    });
    const list = await runCli(['distros', '--json'], { cwd: dir, env });
    expect(list.code, list.stderr).toBe(0);
    const tiny = (
      JSON.parse(list.stdout) as Array<{ name: string; aliases: string[]; status: { state: string } }>
    ).find((e) => e.name === 'tiny-1');
    expect(tiny).toMatchObject({ aliases: ['tiny'], status: { state: 'rolling' } });
    // Elsewhere, without the project's config, the entry is unknown.
    expect((await runCli(['distros', '--json'], { cwd: work, env })).stdout).not.toContain('tiny-1');

    const pull = await runCli(['image', 'pull', 'tiny'], { cwd: dir, env });
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/^tiny-1: image \w+/);

    const run = await runCli(['test'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\S+ PASS .+ tiny$/m);
    expect(run.stdout).toContain('1 cell: 1 passed, 0 failed');
  }, 120_000);

  it('takes a single file as well as a directory, and a list of them; a later one overrides by name', async () => {
    const dir = await project('distros: [tiny]\ncatalog: [ci/a.yml, ci/b]\ntest: "true"\n', {
      'ci/a.yml': TINY,
      'ci/b/tiny.yml': TINY.replace("A busybox root of the project's own", 'The second one'),
    });
    const list = await runCli(['distros', '--json'], { cwd: dir, env });
    expect(list.code, list.stderr).toBe(0);
    const tiny = (JSON.parse(list.stdout) as Array<{ name: string; description: string }>).filter(
      (e) => e.name === 'tiny-1',
    );
    expect(tiny).toEqual([expect.objectContaining({ description: 'The second one 1' })]);
  });

  it('refuses local sources, naming file, line and field, while the operator may use them in $VMATRIX_CATALOG', async () => {
    const dir = await project('distros: [local-1]\ncatalog: ci/distros\ntest: "true"\n', {
      'ci/distros/local.yml': LOCAL,
    });
    for (const args of [['distros'], ['test']]) {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        [
          `error: ci/distros/local.yml:6: releases[0].sources[0].url: "file:///etc/shadow" is not an http(s) URL: ${HINT}`,
          `ci/distros/local.yml:8: releases[0].sources[1].url: "/root/backup.tar" is not an http(s) URL: ${HINT}`,
          `ci/distros/local.yml:10: releases[0].sources[1].signature: "file:///etc/x.gpg" is not an http(s) URL: ${HINT}`,
          `ci/distros/local.yml:11: releases[0].sources[2].mirror: "file:///srv/mirror" is not an http(s) URL: ${HINT}`,
        ].join('\n'),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const operator = await runCli(['distros'], {
      cwd: work,
      env: { ...env, VMATRIX_CATALOG: join(dir, 'ci/distros') },
    });
    expect(operator.code, operator.stderr).toBe(0);
    expect(operator.stdout).toMatch(/^local-1 .+ tarball, mmdebstrap +unknown$/m);
  });

  it('validates its entries with the catalog schema, file:line', async () => {
    const dir = await project('distros: [x]\ncatalog: ci/distros\ntest: "true"\n', {
      'ci/distros/x.yml':
        'family: x\npackageManager: yum\nreleases:\n  - name: x-1\n    sources: [{ kind: busybox }]\n',
    });
    const r = await runCli(['test'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: ci/distros/x.yml:2: packageManager: expected one of: apt, apk, dnf, pacman, zypper, emerge, xbps, none',
    );
  });

  it('stays inside the project: no path out of it, no link out of it, no linked file, no missing path', async () => {
    const outside = join(work, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'tiny.yml'), TINY);
    const cases: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
      ['../outside', async () => {}, /vmatrix\.yml:2: catalog: expected a path relative to the project root/],
      [
        'ci/link',
        async (dir) => symlink(outside, join(dir, 'ci/link')),
        /^error: catalog: ci\/link: .+ leads out of the project \(to .+outside\)$/m,
      ],
      [
        'ci/distros',
        async (dir) => {
          await mkdir(join(dir, 'ci/distros'), { recursive: true });
          await symlink(join(outside, 'tiny.yml'), join(dir, 'ci/distros/tiny.yml'));
        },
        /^error: catalog: ci\/distros: cannot read .+tiny\.yml: it is a symbolic link$/m,
      ],
      ['ci/none', async () => {}, /^error: catalog: ci\/none: .+ci\/none does not exist$/m],
    ];
    for (const [path, arrange, message] of cases) {
      const dir = await project(`distros: [tiny]\ncatalog: ${path}\ntest: "true"\n`, { 'ci/.keep': '' });
      await arrange(dir);
      const r = await runCli(['test'], { cwd: dir, env });
      expect(r.code, path).toBe(2);
      expect(r.stderr, path).toMatch(message);
    }
  });
});
