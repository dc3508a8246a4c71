import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { matrixCsv } from '../../src/emit/csv.js';
import { matrixHtml } from '../../src/emit/html.js';
import { checkYaml } from '../helpers/policy.js';
import { csvRows, emitInput, loadEmitFixture, repoRoot, renderText } from './fixture.js';

// matrix.html in a real browser: Debian's Chromium at /usr/bin/chromium.
// Without it the tests are skipped locally, and fail under CI (which installs it).
const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
const underCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const missing = `${chromiumPath} is missing: install it with \`apt-get install -y chromium\``;

const input = emitInput(loadEmitFixture());
const csv = csvRows(renderText(matrixCsv, input));
const scale = checkYaml(scalePolicy());
let browser: Browser | undefined;
let dir: string | undefined;
let url = '';
let scaleUrl = '';

/** Skips (locally) or fails (under CI) when there is no browser; else returns a page with matrix.html loaded. */
async function openPage(context: TestContext, options: { colorScheme?: 'light' | 'dark'; url?: string } = {}): Promise<Page> {
  if (!hasChromium) {
    if (underCi) throw new Error(`${missing} (CI=${process.env['CI']}: the browser test must run)`);
    context.skip(missing);
  }
  browser ??= await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const target = options.url ?? url;
  page.on('request', (request) => {
    if (request.url() !== target) problems.push(`request to ${request.url()}`);
  });
  await page.goto(target);
  await page.waitForSelector('html[data-ready="true"]');
  expect(problems).toEqual([]);
  return page;
}

async function visibleRows(page: Page): Promise<string[]> {
  return page.$$eval('#rows tr', (rows) => rows.map((row) => ['data-user', 'data-permission', 'data-scope'].map((name) => row.getAttribute(name)).join(',')));
}

describe('matrix.html in Chromium', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rolecall-html-'));
    const file = path.join(dir, 'matrix.html');
    writeFileSync(file, renderText(matrixHtml, input));
    url = pathToFileURL(file).href;
    const scaleFile = path.join(dir, 'scale.html');
    writeFileSync(scaleFile, renderText(matrixHtml, emitInput(scale)));
    scaleUrl = pathToFileURL(scaleFile).href;
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows every row of matrix.csv, then exactly one user\'s rows when filtered to that user', async (context) => {
    const page = await openPage(context);
    const all = csv.map((r) => `${r.user},${r.permission},${r.scope}`);
    expect(await visibleRows(page)).toEqual(all);
    for (const user of ['bob', 'dana', 'carol']) {
      await page.fill('#filter-user', user);
      await expect.poll(() => page.locator('#row-count').getAttribute('data-count')).toBe(String(csv.filter((r) => r.user === user).length));
      expect(await visibleRows(page)).toEqual(csv.filter((r) => r.user === user).map((r) => `${r.user},${r.permission},${r.scope}`));
      expect(await page.locator('#card-user').textContent()).toBe(user);
    }
    await page.close();
  });

  it('filters by permission and minimum scope from the keyboard-reachable controls', async (context) => {
    const page = await openPage(context);
    await page.selectOption('#filter-permission', 'case.read');
    await page.selectOption('#filter-scope', 'all');
    expect(await visibleRows(page)).toEqual(['carol,case.read,all']);
    await page.click('button[type=reset]');
    await expect.poll(() => visibleRows(page).then((rows) => rows.length)).toBe(csv.length);
    await page.fill('#search', 'kb_editor');
    expect(await visibleRows(page)).toEqual(['alice,kb.publish,', 'alice,kb.read,', 'alice,kb.write,', 'bob,kb.read,', 'bob,kb.write,']);
    await page.close();
  });

  it('counts a filter that must resolve every user in slices, saying "counting…", and converges to the matrix\'s count', async (context) => {
    const page = await openPage(context, { url: scaleUrl });
    const res = scale.resolution;
    const total = res.userIds.reduce((n, _, u) => n + res.userLevels(u).perms.length, 0);
    // Unfiltered, the total is known at once (embedded per-user counts).
    expect(await page.locator('#row-count').getAttribute('data-count')).toBe(String(total));
    expect(await page.locator('#rows tr').count()).toBe(1000);
    // Minimum scope "all": every user must be resolved to count.
    const expected: string[] = [];
    for (let u = 0; u < res.userIds.length; u++) {
      const { perms, levels } = res.userLevels(u);
      perms.forEach((p, i) => {
        if (res.scopes[p]!.indexOf('all') + 1 === levels[i]) expected.push(`${res.userIds[u]},${res.permissionIds[p]},all`);
      });
    }
    // Select the scope and read the status in the same task, before any later slice runs.
    const first = await page.$eval('#filter-scope', (select) => {
      select.value = 'all';
      select.dispatchEvent(new Event('change'));
      const status = select.ownerDocument.getElementById('row-count')!;
      return { text: status.textContent, count: status.getAttribute('data-count'), busy: status.getAttribute('aria-busy') };
    });
    expect(first.text).toMatch(/^\d+ matching rows so far, counting…/);
    expect(first.count).toBeNull();
    expect(first.busy).toBe('true');
    await expect.poll(() => page.locator('#row-count').getAttribute('data-count'), { timeout: 30_000 }).toBe(String(expected.length));
    expect(await page.locator('#row-count').getAttribute('aria-busy')).toBe('false');
    expect(await page.locator('#row-count').textContent()).toBe(`${expected.length} matching rows (showing the first 1000; narrow the filters to see the rest)`);
    expect(await visibleRows(page)).toEqual(expected.slice(0, 1000));
    await page.close();
  });

  it.runIf(process.env['ROLECALL_SCREENSHOT'] === '1')('writes docs/images/matrix-html.png (ROLECALL_SCREENSHOT=1)', async (context) => {
    const page = await openPage(context, { colorScheme: process.env['ROLECALL_SCREENSHOT_SCHEME'] === 'dark' ? 'dark' : 'light' });
    await page.fill('#filter-user', 'dana');
    await page.locator('#filter-user').blur();
    await page.setViewportSize({ width: 1100, height: 760 });
    const target = process.env['ROLECALL_SCREENSHOT_PATH'] ?? path.join(repoRoot, 'docs/images/matrix-html.png');
    mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target, fullPage: true });
    await page.close();
  });
});

/**
 * 3,000 users with 20 overlapping roles each (150 permissions, three scopes):
 * too much to resolve in one slice of the page's work.
 */
function scalePolicy(): string {
  const scopes = ['own', 'team', 'all'];
  const lines = ['permissions:'];
  for (let p = 0; p < 150; p++) lines.push(`  p${p}.x: { scopes: [own, team, all] }`);
  lines.push('roles:');
  for (let r = 0; r < 40; r++) {
    const grants: string[] = [];
    for (let p = 0; p < 150; p++) if ((p * 7 + r * 13) % 10 < 5) grants.push(`p${p}.x@${scopes[(p + r) % 3]}`);
    lines.push(`  r${r}: { grants: [${grants.join(', ')}] }`);
  }
  lines.push('users:');
  for (let u = 0; u < 3000; u++) {
    const roles = Array.from({ length: 20 }, (_, k) => `r${(u + k * 2) % 40}`);
    lines.push(`  u${String(u).padStart(4, '0')}: { type: internal, roles: [${roles.join(', ')}] }`);
  }
  return lines.join('\n') + '\n';
}
