// `craftpub serve` in a real browser: open pages reload by themselves after
// an edit (only the pages it changed), a broken source shows the error
// overlay over the last good page, and fixing it brings the page back. The
// tabs share one browser profile, so more than six of them must share the
// browser's six connections to the server.
// Usage: node serve.mjs URL ROOT   (a running `craftpub serve --root ROOT`)
import fs from 'node:fs';
import path from 'node:path';
import { check, fail, finish, launch } from './lib.mjs';

const [url, root] = process.argv.slice(2);
const source = path.join(root, 'standard/2.0/module-1.md');

// Never hang CI: give up after two minutes.
setTimeout(() => { console.log('FAIL - timed out'); process.exit(1); }, 120000).unref();

function edit(from, to) {
  const text = fs.readFileSync(source, 'utf8');
  if (!text.includes(from)) throw new Error(`${source} does not contain ${from}`);
  fs.writeFileSync(source, text.replace(from, to));
}

/** Opens `rel` in a new tab and resolves once it listens for events. */
async function open(ctx, rel, errors) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(20000);
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + rel);
  await page.waitForFunction(() => window.__craftpub && window.__craftpub.connected);
  await page.evaluate(() => { window.__notReloaded = true; });
  return page;
}

const browser = await launch();
try {
  const errors = [];
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 800 } });
  const page = await open(ctx, 'en/2.0/module-1.html', errors);
  const other = await open(ctx, 'en/2.0/module-2.html', errors);
  // More tabs than the browser has connections per host: all load and listen.
  const more = ['index.html', 'en/2.0/', 'en/2.0/introduction.html', 'en/1.0/', 'en/1.0/module-1.html',
    'en/1.0/module-2.html', 'en/9.9/missing.html'];
  for (const rel of more) await open(ctx, rel, errors);
  check(true, `${more.length + 2} tabs open, each listening`);
  check(await page.locator('#craftpub-overlay').count() === 0, 'no overlay while the sources are good');

  // An edit: the page reloads by itself and shows the new text.
  edit('updated every year', 'updated every season');
  await page.waitForFunction(() => document.body.innerText.includes('updated every season'));
  check(await page.evaluate(() => window.__notReloaded === undefined), 'the edited page reloaded by itself');
  await page.waitForTimeout(500);
  check(await other.evaluate(() => window.__notReloaded === true), 'a page the edit did not change was not reloaded');
  await page.evaluate(() => { window.__notReloaded = true; });

  // Broken: the overlay lists the error over the last good page.
  edit('level: obligation', 'level: obligatory');
  const overlay = page.locator('#craftpub-overlay');
  await overlay.waitFor({ state: 'visible' });
  const text = await overlay.innerText();
  check(text.includes('standard/2.0/module-1.md:14'), `overlay names the file and line (${text.slice(0, 200)})`);
  check(text.includes('unknown value "obligatory"'), 'overlay gives the message');
  check(text.includes('fix: use one of: obligation, recommendation'), 'overlay gives the fix');
  check(await page.locator('h1').first().textContent() === 'Module 1: Management system', 'the last good page is still under the overlay');
  check(await page.evaluate(() => window.__notReloaded === true), 'a broken source does not reload the page');
  await other.locator('#craftpub-overlay').waitFor({ state: 'visible' });
  check(true, 'every open page shows the overlay');
  if (process.env.CRAFTPUB_SCREENSHOT) await page.screenshot({ path: process.env.CRAFTPUB_SCREENSHOT });

  // A page opened while broken shows the overlay straight away.
  const late = await open(ctx, 'en/2.0/index.html', errors);
  check(await late.locator('#craftpub-overlay').isVisible(), 'a page opened while broken shows the overlay');

  // Fixed: the overlay goes and the page reloads.
  edit('level: obligatory', 'level: obligation');
  await overlay.waitFor({ state: 'detached' });
  check(await page.locator('#craftpub-overlay').count() === 0, 'the overlay is gone once fixed');
  check(await page.evaluate(() => window.__notReloaded === undefined), 'the page reloaded once fixed');
  check((await page.content()).includes('updated every season'), 'the page shows the fixed build');
  await other.locator('#craftpub-overlay').waitFor({ state: 'detached' });
  check(true, 'the overlay is gone from the other page too');

  // A change to the stylesheet every page uses reloads every page.
  const otherReloaded = other.waitForEvent('load');
  fs.appendFileSync(path.join(root, 'theme/static/style.css'), '\n/* edited */\n');
  await otherReloaded;
  check(true, 'a stylesheet change reloads a page that uses it');

  // Without SharedWorker, a page listens on a stream of its own.
  const solo = await browser.newContext();
  await solo.addInitScript(() => { window.SharedWorker = undefined; });
  const alone = await open(solo, 'en/2.0/module-1.html', errors);
  edit('updated every season', 'updated every quarter');
  await alone.waitForFunction(() => document.body.innerText.includes('updated every quarter'));
  check(await alone.evaluate(() => window.__notReloaded === undefined), 'a page without SharedWorker reloads by itself too');
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
} catch (e) {
  fail(e);
} finally {
  await browser.close();
}
finish();
