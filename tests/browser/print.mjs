// Printing, in headless Chromium: node print.mjs SITE_DIR PAGE OUT.pdf
// With print styles the page shows no navigation, switchers or search, and
// shows where links to other sites lead; then it is printed to OUT.pdf
// (A4), which the Rust test reads back.
import { run, check } from './lib.mjs';

const [dir, pagePath, out] = process.argv.slice(2);

await run(dir, async (browser, site) => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  await page.goto(site.url + pagePath);
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['header.site', 'form.search', 'details.switcher', '.skip', '.crumbs', '.print-hint']) {
    const shown = await page.locator(sel).evaluateAll((es) => es.some((e) => e.getBoundingClientRect().height > 0));
    check(!shown, `print: ${sel} is hidden`);
  }
  check(await page.locator('main h1').isVisible(), 'print: the title is shown');
  const external = await page.evaluate(() => {
    const a = document.querySelector('footer a[href^="http"]');
    return a ? getComputedStyle(a, '::after').content : '';
  });
  check(external.includes('http'), `print: a link to another site shows its address (${external})`);
  const reqs = await page.locator('article.req').evaluateAll((es) => es.map((e) => getComputedStyle(e).breakInside));
  check(reqs.length > 0 && reqs.every((b) => b === 'avoid'), `print: requirements avoid page breaks (${reqs.length})`);
  await page.pdf({ path: out, format: 'A4', printBackground: true });
  check(true, `printed to ${out}`);
});
