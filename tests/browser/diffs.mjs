// The diff page between 1.0 and 2.0 of the mini fixture, its links, the
// amendment history page and a requirement's history page.
import { run, check, findAndFollow } from './lib.mjs';

const dir = process.argv[2];

await run(dir, async (browser, site) => {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  await page.goto(`${site.url}en/diff/1.0-2.0.html`);
  check((await page.locator('h1').textContent()).includes('1.0') , 'diff page title');
  const counts = await page.locator('.counts').innerText();
  check(/1\s+Added/.test(counts) && /2\s+Modified/.test(counts) && /1\s+Renumbered/.test(counts) && /1\s+Removed/.test(counts), `counts at the top (${counts.replace(/\n/g, ' ')})`);

  const modified = page.locator('[id="change-1.1.2"]');
  const inserted = await modified.locator('.diff-inline ins').allInnerTexts();
  const deleted = await modified.locator('.diff-inline del').allInnerTexts();
  check(inserted.some((t) => t.includes('register')), `inserted words shown (${inserted.join(' | ')})`);
  check(deleted.some((t) => t.includes('list')), `deleted words shown (${deleted.join(' | ')})`);
  const del = modified.locator('.diff-inline del').first();
  check(await del.evaluate((e) => getComputedStyle(e).textDecorationLine.includes('line-through')), 'deletions are struck through (readable without colour)');
  check((await del.textContent()).includes('[deleted:'), 'deletions are announced to screen readers');

  // The link to the requirement in the new version lands on it.
  await modified.locator('a.new-link').click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/2.0/module-1.html#req-1.1.2'), `link to 2.0 lands on 1.1.2 (${page.url()})`);
  await page.goBack();
  await page.locator('[id="change-1.1.2"] a.old-link').click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/1.0/module-1.html#req-1.1.2'), `link to 1.0 lands on 1.1.2 (${page.url()})`);
  await page.goBack();

  // The renumbered and the removed requirements.
  const renum = page.locator('[id="change-2.2.1"]');
  check((await renum.locator('h3').innerText()).includes('2.1.1 → 2.2.1'), 'renumbering shown as old → new');
  check(await page.locator('[id="change-2.1.2"] .badge').innerText() === 'Removed', 'removal shown');

  // The reason: the amendment entry.
  await page.locator('[id="change-1.1.3"] .why a').click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/2.0/amendments.html#amendment-leadership'), `why-link lands on the amendment entry (${page.url()})`);
  check((await page.locator('#amendment-leadership').innerText()).includes('Decisions must be taken'), 'amendment entry shows its rationale');
  await page.locator('#amendment-leadership a', { hasText: 'diff' }).click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/diff/1.0-2.0.html#change-1.1.3'), 'amendment entry links back to the diff');

  // The diff, amendment, history and status pages have the search box; on a
  // diff page it searches the later version.
  for (const p of ['en/diff/1.0-2.0.html', 'en/2.0/amendments.html', 'en/history/2.2.1.html', 'en/status.html']) {
    await page.goto(`${site.url}${p}`);
    check(await page.getByRole('search').isVisible(), `${p} has the search box`);
  }
  await page.goto(`${site.url}en/diff/1.0-2.0.html`);
  await findAndFollow(page, 'diff page', 'responsible person', '1.1.1');
  check(page.url().includes('/en/2.0/'), `the diff page's search leads into 2.0 (${page.url()})`);

  // History of a renumbered requirement: both versions, with its reason.
  await page.goto(`${site.url}en/history/2.2.1.html`);
  const steps = await page.locator('ol.history > li h2').allInnerTexts();
  check(steps.length === 2 && steps[0].includes('1.0') && steps[0].includes('2.1.1') && steps[1].includes('2.2.1'), `history follows the renumbering (${steps.join(' | ')})`);
  check((await page.locator('ol.history').innerText()).includes('Legal status moves to section 2.2'), 'history gives the reason');

  // Side by side on a wide screen.
  const wide = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await wide.goto(`${site.url}en/diff/1.0-2.0.html`);
  check(await wide.locator('[id="change-1.1.2"] .diff-side').isVisible(), 'side by side on a wide screen');
  const narrow = await browser.newPage({ viewport: { width: 360, height: 800 } });
  await narrow.goto(`${site.url}en/diff/1.0-2.0.html`);
  check(!(await narrow.locator('[id="change-1.1.2"] .diff-side').isVisible()) && await narrow.locator('[id="change-1.1.2"] .diff-inline').isVisible(), 'inline on a phone');
});
