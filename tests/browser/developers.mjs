// A developer's path to the data, in headless Chromium: from the front page
// to the developers' page, whose examples are shown and whose links lead to
// the exports; from an edition's home to its CSV and JSON; the page reads on
// a 360 px wide screen without JavaScript.
import { run, check, watchRequests } from './lib.mjs';

const dir = process.argv[2];

await run(dir, async (browser, site) => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  const foreign = watchRequests(page, site);

  await page.goto(site.url);
  await page.getByRole('link', { name: /^Data for developers/ }).click();
  await page.waitForLoadState();
  check(page.url().endsWith('/developers.html'), `the front page leads to the developers' page (${page.url()})`);
  check((await page.locator('h1').textContent()) === 'Data for developers', 'its heading');
  const examples = await page.locator('pre code').allTextContents();
  // Ten exports, the one-line join of a reference and the role filter.
  check(examples.length === 12 && examples.every((e) => e.trim().length > 40), `twelve examples shown (${examples.length})`);
  check(examples.some((e) => e.includes('new URL(entry.json, indexUrl)')), 'the join in JavaScript is shown');
  for (const e of examples.filter((x) => x.trim().startsWith('{'))) {
    check(e.includes('"$schema"'), `an example names its schema: ${(e.match(/"\$schema": "([^"]+)"/) || [])[1]}`);
  }

  // Every link to an export answers with data of the right type.
  const hrefs = await page.locator('main a[href^="api/"], main a[href$="search-index.json"]').evaluateAll(
    (links) => links.map((a) => a.href));
  check(hrefs.length >= 10, `the page links the exports and schemas (${hrefs.length})`);
  for (const href of hrefs) {
    const resp = await page.request.get(href);
    const type = resp.headers()['content-type'] || '';
    const ok = resp.status() === 200 && (href.endsWith('.csv') ? type.startsWith('text/csv') : true);
    let parsed = true;
    if (href.endsWith('.json') || href.endsWith('.jsonld')) {
      try { JSON.parse(await resp.text()); } catch { parsed = false; }
    }
    check(ok && parsed, `${href.slice(site.url.length)} answers`);
  }

  // The join the page shows works: every edition's JSON, resolved against
  // the index's address, answers.
  const indexUrl = new URL('api/index.json', site.url).href;
  const index = await (await page.request.get(indexUrl)).json();
  for (const entry of index.editions) {
    const resp = await page.request.get(new URL(entry.json, indexUrl).href);
    check(resp.status() === 200 && (await resp.json()).lang === entry.lang, `${entry.json} resolves against the index`);
  }

  // An edition's home links its CSV and JSON.
  await page.goto(`${site.url}en/2.0/`);
  const csv = page.getByRole('link', { name: 'spreadsheet (CSV)' });
  check(await csv.count() === 1, 'the edition home links its CSV');
  const resp = await page.request.get(new URL(await csv.getAttribute('href'), page.url()).href);
  const body = await resp.body();
  check(resp.status() === 200 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf, 'the CSV starts with a byte-order mark');
  check(await page.getByRole('link', { name: 'JSON', exact: true }).count() === 1, 'the edition home links its JSON');
  check(foreign.length === 0, `no requests to other hosts (${foreign.join(', ')})`);

  // JavaScript off, 360 px wide: the page does not scroll sideways (examples scroll in their box).
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const phone = await ctx.newPage();
  await phone.goto(`${site.url}developers.html`);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 360, `no horizontal scrolling at 360 px (scrollWidth ${width})`);
  await ctx.close();
});
