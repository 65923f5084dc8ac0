// The checklist of an edition's download, from disk (file://):
//   node forme_offline.mjs FOLDER LANG VERSION
// FOLDER is the unzipped download. Filled in and reloaded, the answers are
// kept; an export imports back; a role page filters.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, check, watchRequests } from './lib.mjs';

const [folder, lang, version] = process.argv.slice(2);
const url = (p) => pathToFileURL(path.resolve(folder, p)).href;

await run(folder, async (browser, site) => {
  const page = await browser.newPage({ acceptDownloads: true });
  const foreign = watchRequests(page, site);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url('index.html'));
  await page.locator(`a[href$="checklist.html"]`).first().click();
  check(page.url().startsWith('file:') && page.url().endsWith(`${lang}/${version}/checklist.html`), `from the download's home to its checklist (${page.url()})`);
  check(await page.locator('.tools').isVisible(), 'the checklist runs from file://');
  const first = await page.locator('fieldset.item').first().getAttribute('data-id');
  await page.locator(`[id="s-${first}-met"]`).check();
  await page.locator(`[id="n-${first}"]`).fill('kept offline');
  await page.reload();
  check(await page.locator(`[id="s-${first}-met"]`).isChecked() && await page.locator(`[id="n-${first}"]`).inputValue() === 'kept offline', 'reloaded from disk, the answers are kept');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-act="json"]').click()]);
  const file = path.join(path.resolve(folder), 'exported.json');
  await download.saveAs(file);
  await page.locator('button[data-act="clear"]').click();
  await page.locator('#import').setInputFiles(file);
  await page.waitForFunction(() => /1/.test(document.getElementById('msg').textContent));
  check(await page.locator(`[id="n-${first}"]`).inputValue() === 'kept offline', `an export imports back from disk (${await page.locator('#msg').textContent()})`);
  await page.goto(url(`${lang}/${version}/for-producer.html`));
  const all = await page.locator('.groups .r').count();
  await page.locator('label[for="fc-gold"]').click();
  const gold = await page.locator('.groups .r:visible').count();
  check(all > 0 && gold > 0 && gold <= all, `a role page filters from disk (${gold} of ${all})`);
  check(foreign.filter((u) => !u.startsWith('http://127.0.0.1')).length === 0, `nothing from another host (${foreign.join(', ')})`);
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
});
