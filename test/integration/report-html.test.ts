import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import type { RunResult } from '../../src/results/types.js';
import { launchChromium } from '../helpers/chromium.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { gitProject } from '../helpers/project.js';

// report.html of a real `vmatrix test` run of the busybox cells (passed, timed-out, failed), opened from
// disk in headless Chromium: the grid, the search box, a screenshot of the grid, and no network use.

let run: CliResult;
let runDir: string;
let result: RunResult;
let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  const project = await gitProject('busybox-mix');
  const home = join(await mkdtemp(join(tmpdir(), 'vmx-html-')), 'store');
  run = await runCli(['test', '--jobs', '4'], { cwd: project, env: { VMATRIX_HOME: home } });
  runDir = await realpath(join(project, '.vmatrix/runs/latest'));
  result = JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')) as RunResult;
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(join(runDir, 'report.html')).href);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('report.html of a busybox run, in Chromium', () => {
  it('is written beside results.json, loads nothing but itself, and heads the page with the run', async () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    expect(requests).toEqual([pathToFileURL(join(runDir, 'report.html')).href]);
    expect(await page.locator('h1').textContent()).toBe(`vmatrix run ${result.runId}`);
    expect(await page.locator('.summary').textContent()).toMatch(/^4 cells: 2 passed, 1 failed, 1 timed out in /);
  });

  it('has the grid: one row per distro, a column per mode, each square coloured by its status', async () => {
    const columns = await page.$$eval('#grid thead th', (ths) => ths.map((th) => th.textContent));
    const rows = await page.$$eval('#grid tbody tr', (trs) =>
      trs.map((tr) => [tr.querySelector('th')!.textContent, [...tr.querySelectorAll('td')].map((td) => td.className)]),
    );
    expect(columns).toEqual(['distro', 'mode=ok', 'mode=hang', 'mode=fail', 'mode=isolation']);
    expect(rows).toEqual([['busybox', ['status-passed', 'status-timed-out', 'status-failed', 'status-passed']]]);
    expect(result.cells.map((c) => c.status)).toEqual(['passed', 'timed-out', 'failed', 'passed']);
  });

  it("opens a cell's log from the grid, and its search box keeps and marks the matching lines", async () => {
    await page.click('#grid td.status-failed a');
    const log = page.locator('details.log#log-busybox-mode-fail');
    expect(await log.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    const all = await log.locator('pre > span').count();
    await log.locator('input[type=search]').fill('FAILING on purpose');
    expect(await log.locator('pre > span:visible').allTextContents()).toEqual(['failing on purpose\n']);
    expect(await log.locator('mark').allTextContents()).toEqual(['failing on purpose']);
    expect(await log.locator('.count').textContent()).toBe(`1 of ${all} lines match`);
    await log.locator('input[type=checkbox]').uncheck();
    expect(await log.locator('pre > span:visible').count()).toBe(all);
    expect(all).toBeGreaterThan(2);
  });

  it('shows, above each cell that failed its tests, what differs where the others passed, and every inventory', async () => {
    const failedExplain = page.locator('section.explain#explain-busybox-mode-fail');
    expect(await failedExplain.isVisible()).toBe(true);
    const text = (await failedExplain.locator('pre').textContent())!;
    expect(text).toContain('busybox/mode=fail failed at step "sh ./check.sh fail" (exit 3)');
    expect(text).toMatch(/compared with busybox\/mode=ok \(passed; other configuration\)/);
    expect(text).toContain('failing on purpose');
    // The timed-out cell is explained too; the passed ones are not.
    expect(await page.locator('section.explain').count()).toBe(2);
    expect(await page.locator('details.inventory').count()).toBe(4);
    expect(await page.locator('details.inventory summary').first().textContent()).toContain('0 packages (none)');
  });

  it("takes a screenshot of the grid: a PNG of the grid's size, red where the failed cell is", async () => {
    const grid = page.locator('#grid');
    await page.evaluate(() => window.scrollTo(0, 0));
    const png = await grid.screenshot({ path: join(runDir, 'grid.png') });
    const box = (await grid.boundingBox())!;
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(Math.abs(width - box.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(height - box.height)).toBeLessThanOrEqual(1);
    expect(width).toBeGreaterThan(300);
    const at = async (selector: string): Promise<{ x: number; y: number }> => {
      const cell = (await page.locator(selector).first().boundingBox())!;
      return { x: Math.round(cell.x - box.x + 4), y: Math.round(cell.y - box.y + 4) }; // in the padding, off the text
    };
    const pixels = await page.evaluate(
      async ({ data, points }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [img.width, img.height];
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const all = ctx.getImageData(0, 0, img.width, img.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < all.length; i += 4) colours.add((all[i]! << 16) | (all[i + 1]! << 8) | all[i + 2]!);
        return { colours: colours.size, at: points.map((p) => [...ctx.getImageData(p.x, p.y, 1, 1).data.slice(0, 3)]) };
      },
      {
        data: png.toString('base64'),
        points: [await at('#grid td.status-failed'), await at('#grid td.status-passed'), await at('#grid tbody th')],
      },
    );
    const [failed, passed, header] = pixels.at as [number[], number[], number[]];
    expect(failed[0]).toBeGreaterThan(150); // red
    expect(failed[1]).toBeLessThan(90);
    expect(failed[2]).toBeLessThan(90);
    expect(passed[1]).toBeGreaterThan(passed[0]! + 50); // green
    expect(header).toEqual([255, 255, 255]); // the page behind the distro name
    expect(pixels.colours).toBeGreaterThan(20); // squares, borders and anti-aliased text: not a blank image
  });

  it('shows markup from a log or an axis as text and runs none of it', async () => {
    const cell = { ...result.cells[2]!, axes: { mode: '<img src=x onerror="window.pwned=2">' } };
    const file = join(await mkdtemp(join(tmpdir(), 'vmx-html-')), 'report.html');
    await writeFile(
      file,
      renderHtml({ ...result, cells: [cell] }, new Map([[cell.id, '<script>window.pwned = 1</script>\n']])),
    );
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('#grid thead th').nth(1).textContent()).toBe('mode=<img src=x onerror="window.pwned=2">');
    expect(await page.locator('details.log pre').textContent()).toBe('<script>window.pwned = 1</script>\n');
  });
});
