// Opens a compiled matrix.html in headless Chromium (playwright-core, Debian's
// /usr/bin/chromium as in test/emit/html-browser.test.ts) and prints JSON on stdout:
//   node bench/html-open.mjs FILE [TIMEOUT_MS]
// ms: from the start of page.goto(file://...) until the page is usable: the
// script has parsed the embedded data, resolved every user's permissions, and
// rendered the matrix table (html[data-ready="true"] and a first data row
// `#rows tr[data-user]`). Cold: the browser is launched first (launchMs, not
// counted) and the page is opened once, in a fresh page.
// Without Chromium (or playwright-core) prints { skipped: reason } and exits 0.
import { existsSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [file, timeoutArg] = process.argv.slice(2);
const timeout = Number(timeoutArg ?? 120_000);
const executablePath = process.env.ROLECALL_CHROMIUM ?? '/usr/bin/chromium';
const print = (data) => process.stdout.write(JSON.stringify(data) + '\n');

const bytes = statSync(file).size;
if (!existsSync(executablePath)) {
  print({ skipped: `${executablePath} is missing`, bytes });
  process.exit(0);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (error) {
  print({ skipped: `playwright-core: ${error.message.split('\n')[0]}`, bytes });
  process.exit(0);
}

let t = performance.now();
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const launchMs = performance.now() - t;
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const url = pathToFileURL(file).href;
  t = performance.now();
  let ms;
  let timedOut = false;
  try {
    await page.goto(url, { waitUntil: 'commit', timeout });
    await page.waitForSelector('html[data-ready="true"] #rows tr[data-user]', { timeout });
    ms = performance.now() - t;
  } catch (error) {
    if (error?.name !== 'TimeoutError') throw error;
    timedOut = true;
  }
  const page_ = timedOut
    ? {}
    : await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return {
          domContentLoadedMs: nav ? Math.round(nav.domContentLoadedEventEnd) : undefined,
          loadMs: nav ? Math.round(nav.loadEventEnd) : undefined,
          rowsShown: document.querySelectorAll('#rows tr').length,
          matchingRows: Number(document.getElementById('row-count')?.dataset.count ?? NaN),
          jsHeapMB: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1048576) : undefined,
        };
      });
  print({ ms, timedOut, timeoutMs: timedOut ? timeout : undefined, launchMs: Math.round(launchMs), bytes, ...page_, problems });
} finally {
  await browser.close();
}
