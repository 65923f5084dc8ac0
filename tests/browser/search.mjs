// Search as a reader uses it, in headless Chromium, on built fixture sites:
//   node search.mjs MINI_PUBLIC ES_PUBLIC FR_PUBLIC AM_PUBLIC
// Typing a query shows the expected requirement with its ID and a marked
// snippet; the keyboard follows it; scripts and the index (fetched as JSON)
// load on first use only; data is escaped; the search page works with ?q=
// and explains itself without JavaScript; a site opened from file:// (which
// has no script form of the index: only the download has) says that search
// needs the download. tests/reader.rs runs the download from file://.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { run, check, serve, watchRequests, typeQuery, resultIds, findAndFollow } from './lib.mjs';

const [mini, es, fr, am] = process.argv.slice(2);

await run(mini, async (browser, site) => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  const foreign = watchRequests(page, site);
  const scripts = [];
  page.on('request', (r) => { if (/\.js(on)?$/.test(r.url())) scripts.push(r.url()); });

  // English: nothing loads before the box is used.
  await page.goto(`${site.url}en/2.0/module-2.html`);
  check(scripts.every((u) => u.endsWith('/assets/search.js')), `only search.js loads with the page (${scripts.join(', ')})`);
  check(await page.getByRole('search').isVisible(), 'every page has a search box');
  await findAndFollow(page, 'en', 'responsible person', '1.1.1');
  check(scripts.some((u) => u.endsWith('/assets/lunr/lunr.min.js')) && scripts.some((u) => u.endsWith('/en/2.0/search-index.json')),
    `lunr and the index (JSON) load on first use (${scripts.join(', ')})`);
  check(!scripts.some((u) => u.endsWith('search-index.js')), 'the site never loads a script form of the index');
  await findAndFollow(page, 'en', '1.1.3', '1.1.3');
  await typeQuery(page, 'registers');
  const mark = await page.locator('.search-pop mark').first().textContent();
  check(/^register/i.test(mark), `the snippet marks the matching word (${mark})`);
  await typeQuery(page, 'zzzqqq');
  check((await page.locator('.search-pop .search-status').textContent()) === 'No results.', 'no results are said so');
  await page.getByRole('searchbox').press('Escape');

  // The search page: Enter in the box submits; results for ?q=.
  await page.getByRole('searchbox').fill('complaints');
  await page.getByRole('searchbox').press('Enter');
  await page.waitForURL(/search\.html\?q=complaints/);
  await page.locator('#search-page .sr-id').first().waitFor();
  check((await page.locator('#search-page .sr-id').allTextContents()).includes('1.2.1'), 'the search page lists results for ?q=');
  check(!(await page.locator('#search-page .needs-js').isVisible()), 'the search page hides its no-JavaScript note');

  // Front page: searches the current edition.
  await page.goto(site.url);
  await findAndFollow(page, 'front page', 'complaints', '1.2.1');
  check(page.url().includes('/en/2.0/module-1.html'), `front page results lead into the current edition (${page.url()})`);
  check(foreign.length === 0, `no requests to other hosts (${foreign.join(', ')})`);

  // JavaScript off: the form leads to the search page, which explains.
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await ctx.newPage();
  await nojs.goto(`${site.url}en/2.0/index.html`);
  await nojs.getByRole('searchbox').fill('mercury');
  await nojs.getByRole('button', { name: 'Search' }).click();
  await nojs.waitForURL(/en\/2\.0\/search\.html\?q=mercury/);
  check(await nojs.locator('.needs-js').isVisible(), 'without JavaScript the search page says search needs it');
  await nojs.locator('.needs-js a').click();
  check(nojs.url().includes('/en/2.0/index.html'), 'and links to the contents');
  await ctx.close();

  // The site opened from disk: no fetch from file://, and no script form of
  // the index on the site, so the box says that search needs the download.
  const local = await browser.newPage();
  const errors = [];
  local.on('pageerror', (e) => errors.push(String(e)));
  await local.goto(pathToFileURL(path.join(mini, 'en/2.0/module-1.html')).href);
  const offline = await local.locator('form.search').getAttribute('data-offline');
  check(/download/.test(offline || ''), `the page has the from-disk note (${offline})`);
  await local.getByRole('searchbox').fill('complaints');
  await local.locator('.search-pop .search-status').filter({ hasText: offline }).waitFor();
  check(true, 'from file://, the search box says search needs the download');
  await local.goto(pathToFileURL(path.join(mini, 'en/2.0/search.html')).href + '?q=register');
  await local.locator('#search-page .search-status').filter({ hasText: offline }).waitFor();
  check(true, 'and so does the search page');
  check(errors.length === 0, `no script errors from file:// (${errors.join('; ')})`);

  // Other languages, inflected forms, with and without accents.
  for (const [dir, lang, cases] of [
    [es, 'es', [['trabajos infantiles', '1.1.1'], ['niños', '1.1.1'], ['mineria', '1.2.1'], ['minería', '1.2.1'], ['Seguridad', '1.2.2']]],
    [fr, 'fr', [['travail des enfants', '1.1.1'], ['dangereuses', '1.1.1'], ['securite', '1.2.2'], ['sécurité', '1.2.2'], ['mercure', '1.2.1']]],
    [am, 'am', [['ልጆች', '1.1.1'], ['ሜርኩሪ', '1.2.1'], ['የግዳ', '1.1.2'], ['ወንዝ', '1.2.1']]],
  ]) {
    const other = await serve(dir);
    const p = await browser.newPage();
    const pageErrors = [];
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    for (const [q, id] of cases) {
      await p.goto(`${other.url}${lang}/1.0/index.html`);
      await findAndFollow(p, lang, q, id);
    }
    if (lang === 'fr') {
      // Data is shown as text, never run as HTML.
      await p.goto(`${other.url}fr/1.0/index.html`);
      await typeQuery(p, 'signaler');
      const title = await p.locator('.search-pop .sr-title').first().textContent();
      check(title.includes('<img src=x'), `a title with markup is shown as text (${title})`);
      check(await p.locator('.search-pop img').count() === 0, 'and makes no element');
      check(await p.evaluate(() => window.pwned === undefined), 'and runs nothing');
    }
    check(pageErrors.length === 0, `${lang}: no script errors (${pageErrors.join('; ')})`);
    await p.close();
    other.close();
  }
});
