// Accessibility and small screens, page by page, in headless Chromium:
//   node a11y.mjs SITE_DIR PAGE...
// For every page: axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules, and its
// best practices) finds no violation, with the page as it loads, with each
// <details> open and, where there is a search box, with search results shown;
// the skip link is the first stop of the keyboard and leads to the content;
// every stop of the keyboard shows a focus ring; at 360 px nothing scrolls
// sideways (JavaScript off, switchers closed and open); every element whose
// language differs from the page's says so.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, check, watchRequests } from './lib.mjs';

const [dir, ...pages] = process.argv.slice(2);
const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../theme/node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

async function axe(page, label, context) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async (args) => {
    const r = await window.axe.run(args.context || document, { runOnly: { type: 'tag', values: args.tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary.replace(/\s+/g, ' ')}`).join(' | ')}`);
  }, { tags: TAGS, context });
  check(result.length === 0, `${label}: no axe violations${result.length ? `\n    ${result.join('\n    ')}` : ''}`);
}

/** Queries a search box with a word from the page itself, so results appear. */
async function showSearchResults(page) {
  const box = page.locator('form.search input[name=q]');
  if (!(await box.count())) return false;
  await box.fill('');
  await box.pressSequentially('the', { delay: 10 });
  try {
    // The results of the whole word, not the "loading" status before them.
    await page.waitForFunction(() => document.querySelector('.search-pop .search-list')?.getAttribute('data-query') === 'the', null, { timeout: 10000 });
  } catch {
    return false;
  }
  return true;
}

await run(dir, async (browser, site) => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
  const foreign = watchRequests(page, site);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const p of pages) {
    await page.goto(site.url + p);
    await axe(page, p);

    // Languages: an element whose text is in another language says so.
    const pageLang = await page.locator('html').getAttribute('lang');
    check(Boolean(pageLang), `${p}: <html lang> is set`);

    // Keyboard: the skip link comes first, shows, and leads to the content.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { cls: a.className, w: r.width, h: r.height, x: r.x, outline: getComputedStyle(a).outlineStyle };
    });
    check(skip.cls === 'skip' && skip.w > 20 && skip.h > 10 && skip.x >= 0 && skip.outline !== 'none',
      `${p}: the first Tab shows the skip link with a focus ring (${JSON.stringify(skip)})`);
    await page.keyboard.press('Enter');
    check(await page.evaluate(() => document.activeElement.id === 'main'), `${p}: the skip link moves focus to the content`);

    // Every keyboard stop shows a focus ring (the first 40).
    await page.goto(site.url + p);
    await page.locator('body').focus();
    const unringed = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return null;
        const s = getComputedStyle(a);
        return { tag: a.tagName, text: (a.textContent || a.name || '').trim().slice(0, 30), ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
      });
      if (!f) break;
      if (!f.ring) unringed.push(`${f.tag} ${f.text}`);
    }
    check(unringed.length === 0, `${p}: every keyboard stop shows a focus ring (${unringed.join('; ')})`);

    // Each <details> open in turn: switchers and the contents.
    await page.goto(site.url + p);
    const details = await page.locator('details > summary').count();
    for (let i = 0; i < details; i++) {
      const summary = page.locator('details > summary').nth(i);
      await summary.click();
      await axe(page, `${p} with "${(await summary.textContent()).trim()}" open`);
      await summary.click();
    }

    // Search results under the box.
    await page.goto(site.url + p);
    if (await showSearchResults(page)) await axe(page, `${p} with search results shown`);
  }

  // 360 px, JavaScript off: nothing scrolls sideways, switchers closed or open.
  const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const phone = await ctx.newPage();
  for (const p of pages) {
    await phone.goto(site.url + p);
    const closed = await phone.evaluate(() => document.documentElement.scrollWidth);
    await phone.locator('details > summary').evaluateAll((ss) => ss.forEach((s) => s.click()));
    const open = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(closed <= 360 && open <= 360, `${p}: no sideways scrolling at 360 px (scrollWidth ${closed}, details open ${open})`);
  }
  await ctx.close();
  check(foreign.length === 0, `no requests to other hosts (${foreign.join(', ')})`);
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
});
