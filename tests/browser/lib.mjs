// Helpers for the headless-Chromium tests: a static server for a built site,
// a browser launched from Debian's chromium, and small assertions.
import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(new URL('../../theme/package.json', import.meta.url));
export const { chromium } = require('playwright-core');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.xml': 'application/xml', '.csv': 'text/csv', '.svg': 'image/svg+xml',
};

/** Serves `dir` on a free loopback port; resolves to { url, close }. */
export function serve(dir) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, p);
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.existsSync(path.join(root, '404.html')) ? fs.readFileSync(path.join(root, '404.html')) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() });
  }));
}

/** Launches headless Chromium as the project's tests do. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

let failures = 0;
let passes = 0;

/** Records a check; prints it. */
export function check(ok, what) {
  if (ok) { passes++; console.log(`ok - ${what}`); } else { failures++; console.log(`FAIL - ${what}`); }
}

/** Records an exception that ended a script's checks early as a failure. */
export function fail(e) {
  failures++;
  console.log(`FAIL - ${e.stack || e}`);
}

/** Prints the tally and exits 0, or 1 when a check failed or none ran. */
export function finish() {
  console.log(`${passes} checks passed, ${failures} failed`);
  if (passes === 0 && failures === 0) console.log('FAIL - the script ran no check');
  process.exit(failures || passes === 0 ? 1 : 0);
}

/** Runs `body(browser, site)` against the site in `dir`, then [`finish`]es. */
export async function run(dir, body) {
  const site = await serve(dir);
  const browser = await launch();
  try {
    await body(browser, site);
  } catch (e) {
    fail(e);
  } finally {
    await browser.close();
    site.close();
  }
  finish();
}

/** Fails the run when a page makes a request to another host. */
export function watchRequests(page, site) {
  const foreign = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(site.url) && !u.startsWith('file:') && !u.startsWith('data:')) foreign.push(u);
  });
  return foreign;
}

/** Types `q` in the search box and waits for the results under it. */
export async function typeQuery(page, q) {
  const box = page.getByRole('searchbox');
  await box.click();
  await box.fill('');
  await page.evaluate(() => {
    const s = document.querySelector('.search-pop .search-status');
    if (s) s.textContent = '';
  });
  await box.pressSequentially(q, { delay: 20 });
  // Wait for the results of the whole query, not of a part typed before a pause.
  await page.waitForFunction((query) => {
    const list = document.querySelector('.search-pop .search-list');
    return list && list.getAttribute('data-query') === query;
  }, q);
  await page.locator('.search-pop .search-status').filter({ hasText: /results?|No results/ }).waitFor();
}

export async function resultIds(page) {
  return page.locator('.search-pop .sr-id').allTextContents();
}

/** Types a query, sees `id` among the results, and follows it with the keyboard. */
export async function findAndFollow(page, label, q, id) {
  await typeQuery(page, q);
  const ids = await resultIds(page);
  check(ids.includes(id), `${label}: "${q}" lists ${id} (${ids.join(', ')})`);
  const index = (await page.locator('.search-pop .search-list a').allTextContents())
    .findIndex((t) => t.startsWith(id));
  if (index < 0) return;
  await page.getByRole('searchbox').press('ArrowDown');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => decodeURIComponent(u.hash) === `#req-${id}`);
  check(decodeURIComponent(new URL(page.url()).hash) === `#req-${id}`, `${label}: Enter follows "${q}" to ${id}`);
  check(await page.locator(`[id="req-${id}"]`).isVisible(), `${label}: requirement ${id} is shown`);
}
