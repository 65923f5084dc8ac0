// Reader's-eye checks of a built fixture site (tests/fixtures/mini):
// the version switcher, a cross-reference, the superseded banner, latest/,
// reading with JavaScript off and on a 360 px wide screen.
import { run, check, watchRequests } from './lib.mjs';

const dir = process.argv[2];

await run(dir, async (browser, site) => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  const foreign = watchRequests(page, site);

  // Superseded version: banner, then the version switcher to the same chapter in 2.0.
  await page.goto(`${site.url}en/1.0/module-1.html`);
  check(await page.locator('.banner').isVisible(), '1.0 shows the superseded banner');
  await page.locator('details.switcher summary').click();
  await page.getByRole('navigation', { name: 'Versions' }).getByRole('link', { name: /^2\.0/ }).click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/2.0/module-1.html'), `switcher leads to the same chapter in 2.0 (${page.url()})`);
  check((await page.locator('h1').textContent()) === 'Module 1: Management system', '2.0 module 1 title shown');
  check(await page.locator('.banner').count() === 0, 'current version has no banner');

  // A cross-reference to a requirement in another chapter.
  await page.locator('#req-1\\.2\\.1 .req-body a', { hasText: '2.2.1' }).click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/2.0/module-2.html#req-2.2.1'), `cross-reference lands on 2.2.1 (${page.url()})`);
  const target = page.locator('[id="req-2.2.1"]');
  check((await target.locator('h3').textContent()).includes('Hold a mining title'), 'target requirement is 2.2.1');
  check(await target.isVisible() && (await target.boundingBox()).y < 800, 'target requirement is scrolled into view');

  // The switcher from a chapter that 2.0 renumbered still lands on that chapter.
  await page.goto(`${site.url}en/2.0/module-2.html`);
  await page.locator('details.switcher summary').click();
  await page.getByRole('navigation', { name: 'Versions' }).getByRole('link', { name: /^1\.0/ }).click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/1.0/module-2.html'), 'switcher leads back to 1.0 module 2');

  // latest/ resolves to the current version.
  await page.goto(`${site.url}en/latest/module-1.html`);
  await page.waitForURL(/\/en\/2\.0\/module-1\.html$/);
  check(page.url().endsWith('/en/2.0/module-1.html'), 'latest/ redirects to 2.0');

  // Front page links to every edition.
  await page.goto(site.url);
  check(await page.getByRole('link', { name: 'Version 2.0' }).count() === 1, 'front page lists 2.0');
  check(await page.getByRole('link', { name: 'Version 1.0' }).count() === 1, 'front page lists 1.0');

  // 404 page.
  const resp = await page.goto(`${site.url}en/9.9/nothing.html`);
  check(resp.status() === 404 && (await page.locator('h1').textContent()) === 'Page not found', '404 page shown');
  check(foreign.length === 0, `no requests to other hosts (${foreign.join(', ')})`);

  // JavaScript off, 360 px wide: readable, no horizontal scrolling, switcher works.
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const phone = await ctx.newPage();
  await phone.goto(`${site.url}en/2.0/module-1.html`);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 360, `no horizontal scrolling at 360 px (scrollWidth ${width})`);
  check(await phone.locator('article.req').count() === 4, 'all four requirements of 2.0 module 1 shown without JavaScript');
  await phone.locator('details.toc summary').click();
  check(await phone.getByRole('navigation', { name: 'Chapters' }).isVisible(), 'contents open without JavaScript');
  await phone.locator('details.switcher summary').click();
  await phone.getByRole('navigation', { name: 'Versions' }).getByRole('link', { name: /^1\.0/ }).click();
  await phone.waitForLoadState();
  check(phone.url().endsWith('/en/1.0/module-1.html'), 'switcher works without JavaScript');
  await ctx.close();
});
