// An edition's download, unzipped, read from disk in headless Chromium:
//   node offline.mjs FOLDER QUERY ID
// Opening the folder's index.html leads to the edition; every link, script
// and stylesheet of every page resolves inside the folder (or is another
// site's address), the script form of the search index included; the
// stylesheet applies; search finds requirement ID for QUERY, and Enter
// follows the result to it, still on disk.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { run, check } from './lib.mjs';

const [folder, query, id] = process.argv.slice(2);

function htmlFiles(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    return e.isDirectory() ? htmlFiles(p) : (p.endsWith('.html') ? [p] : []);
  });
}

await run(folder, async (browser) => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));

  // Every reference inside every page resolves on disk.
  const broken = [];
  for (const file of htmlFiles(folder)) {
    if (fs.readFileSync(file, 'utf8').includes('http-equiv="refresh"')) continue; // the folder's index.html, below
    await page.goto(pathToFileURL(file).href, { waitUntil: 'domcontentloaded' });
    const refs = await page.evaluate(() => [
      ...[...document.querySelectorAll('a[href], link[href]')].map((e) => e.href),
      ...[...document.querySelectorAll('script[src]')].map((e) => e.src),
      ...[...document.querySelectorAll('form[action]')].map((e) => e.action),
      // From disk, search.js loads the script form of the index beside the
      // JSON one the site fetches: the download must carry that.
      ...[...document.querySelectorAll('[data-index]')].map((e) => new URL(e.dataset.index.replace(/\.json$/, '.js'), document.baseURI).href),
      ...[...document.querySelectorAll('[data-scripts]')].flatMap((e) => e.dataset.scripts.split(' ').map((s) => new URL(s, document.baseURI).href)),
    ]);
    for (const ref of refs) {
      const u = new URL(ref);
      if (u.protocol !== 'file:') continue;
      const target = fileURLToPath(new URL(u.pathname, 'file:///'));
      if (!fs.existsSync(target)) broken.push(`${path.relative(folder, file)} -> ${ref}`);
      else if (u.hash.length > 1 && target.endsWith('.html')) {
        const html = fs.readFileSync(target, 'utf8');
        if (!html.includes(`id="${decodeURIComponent(u.hash.slice(1))}"`)) broken.push(`${path.relative(folder, file)} -> ${ref} (no anchor)`);
      }
    }
  }
  check(broken.length === 0, `every link, script and stylesheet resolves inside the download (${broken.slice(0, 10).join(', ')})`);

  // The folder's index.html opens the edition.
  await page.goto(pathToFileURL(path.join(folder, 'index.html')).href);
  await page.waitForURL(/\/index\.html$/);
  await page.locator('main h1').waitFor();
  check(/\/[^/]+\/[^/]+\/index\.html$/.test(page.url()), `index.html opens the edition's home (${page.url()})`);
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('header.site')).borderBottomStyle);
  check(bg === 'solid', 'the stylesheet applies from disk');

  // A chapter, search, and a result followed with the keyboard.
  await page.locator('nav.toc a').nth(1).click();
  await page.waitForLoadState();
  check(page.url().startsWith('file://') && await page.locator('article.req, main h2').count() > 0, `a chapter opens from the contents (${page.url()})`);
  const box = page.getByRole('searchbox');
  await box.click();
  await box.pressSequentially(query, { delay: 20 });
  // Wait for the results of the whole query (the status first says "loading").
  await page.waitForFunction((q) => document.querySelector('.search-pop .search-list')?.getAttribute('data-query') === q, query);
  const ids = await page.locator('.search-pop .sr-id').allTextContents();
  check(ids.includes(id), `search for "${query}" lists ${id} (${ids.join(', ')})`);
  const index = (await page.locator('.search-pop .search-list a').allTextContents()).findIndex((t) => t.startsWith(id));
  await box.press('ArrowDown');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => decodeURIComponent(u.hash) === `#req-${id}`);
  check(page.url().startsWith(pathToFileURL(folder).href), `the result opens on disk (${page.url()})`);
  check(await page.locator(`[id="req-${id}"]`).isVisible(), `requirement ${id} is shown`);

  // The search page too.
  await page.goto(pathToFileURL(path.join(folder, path.dirname(path.relative(folder, fileURLToPath(page.url()))), 'search.html')).href + `?q=${encodeURIComponent(query)}`);
  await page.locator('#search-page .sr-id').first().waitFor();
  check((await page.locator('#search-page .sr-id').allTextContents()).includes(id), 'the search page lists results from disk');

  check(requests.every((u) => u.startsWith('file:') || u.startsWith('data:')), `nothing is fetched from a network (${requests.filter((u) => !u.startsWith('file:')).join(', ')})`);
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
});
