import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.js';
import { escapeHtml, html } from '../../../src/report/html-escape.js';
import { gridLayout } from '../../../src/report/html-grid.js';
import type { CellResult, CellStatus, RunResult } from '../../../src/results/types.js';
import type { CellInventory } from '../../../src/inventory/index.js';

function cell(distro: string, axes: Record<string, string>, status: CellStatus = 'passed'): CellResult {
  const id = [
    distro,
    Object.entries(axes)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  ]
    .filter(Boolean)
    .join('/');
  return {
    id,
    slug: id.replace(/[^a-z0-9]+/gi, '-'),
    distro,
    axes,
    status,
    exitCode: status === 'passed' ? 0 : 1,
    durationMs: 1200,
    phases: { image: 0, setup: 300, test: 900 },
    logPath: `.vmatrix/runs/r/${id}/log.txt`,
    ...(status === 'passed' ? {} : { phase: 'test' as const }),
  };
}

function run(cells: CellResult[]): RunResult {
  const failed = cells.filter((c) => c.status !== 'passed').length;
  return {
    version: 1,
    runId: 'r1',
    project: '/p',
    config: 'vmatrix.yml',
    runtime: 'runc',
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:07.000Z',
    durationMs: 2000,
    jobs: 2,
    cells,
    summary: {
      total: cells.length,
      passed: cells.length - failed,
      failed,
      timedOut: 0,
      oomKilled: 0,
      errors: 0,
      cancelled: 0,
    },
  };
}

describe('gridLayout', () => {
  it('makes a row per distro and a column per axis combination, in matrix order, with holes for excluded cells', () => {
    const cells = [
      cell('debian-12', { cc: 'gcc' }),
      cell('debian-12', { cc: 'clang' }, 'failed'),
      cell('alpine-3.20', { cc: 'gcc' }),
    ];
    const grid = gridLayout(cells);
    expect(grid.columns.map((c) => c.key)).toEqual(['cc=gcc', 'cc=clang']);
    expect(grid.rows.map((r) => [r.distro, r.slots.map((s) => s.map((c) => c.status))])).toEqual([
      ['debian-12', [['passed'], ['failed']]],
      ['alpine-3.20', [['passed'], []]],
    ]);
  });

  it('gives an included cell with an extra axis a column of its own, and cells without axes one column', () => {
    const withExtra = gridLayout([cell('debian-12', { cc: 'gcc' }), cell('debian-12', { cc: 'gcc', build: 'asan' })]);
    expect(withExtra.columns.map((c) => c.key)).toEqual(['cc=gcc', 'cc=gcc,build=asan']);
    const bare = gridLayout([cell('debian-12', {}), cell('debian-13', {})]);
    expect(bare.columns.map((c) => c.key)).toEqual(['']);
    expect(bare.rows.map((r) => r.slots.length)).toEqual([1, 1]);
  });
});

describe('escaping', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('escapes every interpolated value but nested html', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<', 1]}${undefined}</p>`.text).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;1</p>',
    );
  });
});

describe('renderHtml', () => {
  it('shows a log with markup in it as text, and values from the run escaped everywhere', () => {
    const evil = cell('debian-12', { cc: '<img src=x onerror=alert(1)>' }, 'failed');
    const page = renderHtml(
      run([evil]),
      new Map([[evil.id, 'ok\n<script>alert("pwned")</script>\n\u001b[31mred\u001b[0m\n']]),
    );
    expect(page).toContain('<span>&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;\n</span>');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('<span>red\n</span>'); // colour codes stripped
    expect(page.match(/<script>/g)).toHaveLength(1); // only the report's own
  });

  it('links each grid square to its log and colours it by status; a cell without a log says so', () => {
    const pass = cell('debian-12', { cc: 'gcc' });
    const fail = cell('debian-12', { cc: 'clang' }, 'timed-out');
    const page = renderHtml(run([pass, fail]), new Map([[pass.id, 'fine\n']]));
    expect(page).toMatch(
      /<table id="grid">.*<th scope="row">debian-12<\/th><td class="status-passed"[^>]*><a href="#log-debian-12-cc-gcc">PASS/s,
    );
    expect(page).toMatch(/<td class="status-timed-out"[^>]*><a href="#log-debian-12-cc-clang">TIME/);
    expect(page).toContain('<details class="log" id="log-debian-12-cc-clang">');
    expect(page).toMatch(
      /id="log-debian-12-cc-clang">[^]*<pre><span>\(log not found: \.vmatrix\/runs\/r\/debian-12\/cc=clang\/log\.txt\)\n<\/span><\/pre>/,
    );
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//); // nothing fetched from a network
  });

  it('draws each phase as a bar to the scale of the longest cell', () => {
    const slow = { ...cell('debian-12', { cc: 'gcc' }), phases: { image: 1000, setup: 0, test: 3000 } };
    const page = renderHtml(run([slow, cell('debian-12', { cc: 'clang' })]), new Map());
    expect(page).toContain('<span class="phase-image" style="width:25.00%"');
    expect(page).toContain('<span class="phase-test" style="width:75.00%"');
    expect(page).toContain('<span class="phase-test" style="width:22.50%"'); // 900 ms of 4 s
    expect(page).not.toContain('<span class="phase-setup" style="width:0'); // a zero phase draws nothing
  });
});

describe('renderHtml: triage', () => {
  const inventory = (id: string, libc: string): CellInventory => ({
    version: 1,
    cell: id,
    distro: 'debian-11',
    arch: 'amd64',
    kernel: '6.1.0',
    image: 'img',
    packageManager: 'apt',
    packages: [
      { name: 'libc6', version: libc, arch: 'amd64' },
      { name: '<script>alert(1)</script>', version: '1&2' },
    ],
    libc: { name: 'glibc', version: libc, from: 'libc6' },
    compilers: [{ name: 'gcc', version: '10.2.1-6', from: 'gcc-10' }],
    env: {},
    steps: ['make check'],
    readMs: 2,
  });

  it("shows the explanation above a failed cell's log and every cell's inventory, escaped", () => {
    const failed = { ...cell('debian-11', { b: 'x' }, 'failed'), inventory: 'inv-a.json' };
    const passed = { ...cell('debian-12', { b: 'x' }), inventory: 'inv-b.json' };
    const page = renderHtml(run([failed, passed]), new Map(), {
      inventories: new Map([
        [failed.id, inventory(failed.id, '2.31-13')],
        [passed.id, inventory(passed.id, '2.36-9')],
      ]),
      explanations: new Map([[failed.id, ['debian-11/b=x failed', '  libc  glibc 2.31-13 ≠ 2.36-9 <b>']]]),
    });
    const explain = page.indexOf('id="explain-debian-11-b-x"');
    expect(explain).toBeGreaterThan(0);
    // Above the cell's log, so that it is seen without opening the log.
    expect(explain).toBeLessThan(page.indexOf(`id="log-${failed.slug}"`));
    expect(page).toContain('glibc 2.31-13 ≠ 2.36-9 &lt;b&gt;');
    expect(page).not.toContain('id="explain-debian-12-b-x"');
    expect(page).toContain('inventory · glibc 2.31-13 · gcc 10.2.1-6 · 2 packages (apt) · kernel 6.1.0 · amd64');
    expect(page).toContain('inventory · glibc 2.36-9');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('<td>1&amp;2</td>');
  });
});
