// Translations as a reader sees them (mini fixture + i18n overlay): the
// per-requirement fallback with lang="en", the outdated notice and its links,
// the language switcher, hreflang alternates, and a right-to-left language.
import { run, check } from './lib.mjs';

const dir = process.argv[2];

await run(dir, async (browser, site) => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`${site.url}es/2.0/module-1.html`);
  check(await page.locator('html').getAttribute('lang') === 'es', 'the page is in Spanish');

  // Current (reused from 1.0): Spanish, no notice.
  const current = page.locator('[id="req-1.1.1"]');
  check((await current.locator('h3').innerText()).includes('Nombrar a una persona responsable'), 'reused translation shown');
  check(await current.locator('.notice-missing, .notice-outdated').count() === 0, 'no notice on a current translation');

  // Missing: English text, lang="en", a visible translated notice.
  const missing = page.locator('[id="req-1.1.3"]');
  check(await missing.locator('.notice-missing').isVisible(), 'missing notice visible');
  check((await missing.locator('.notice-missing').innerText()).includes('aún no se ha traducido'), 'missing notice is translated');
  check(await missing.locator('.req-body').getAttribute('lang') === 'en', 'fallback body carries lang="en"');
  check(await missing.locator('h3').getAttribute('lang') === 'en', 'fallback title carries lang="en"');
  check((await missing.locator('.req-body').innerText()).includes('The producer has a structure'), 'English text shown');
  check(await missing.evaluate((e) => e.querySelector('.req-body').lang) === 'en', 'the browser sees the block as English');

  // An interface string the translation lacks: English, and marked as such;
  // one it has: Spanish, in the page's language.
  const button = page.locator('form[role="search"] button');
  check((await button.innerText()).trim() === 'Search', 'an untranslated interface string shows the English');
  check(await button.evaluate((b) => b.querySelector('span[lang]')?.lang) === 'en', 'the untranslated string carries lang="en"');
  check(await page.locator('.skip').evaluate((e) => e.closest('[lang]').lang) === 'es', 'a translated string is in the page language');

  // Outdated: the older Spanish text, with links to the English and to what changed.
  const outdated = page.locator('[id="req-1.1.2"]');
  check((await outdated.locator('h3').innerText()).includes('Llevar una lista de miembros'), 'outdated translation shown');
  check(await outdated.locator('.notice-outdated').isVisible(), 'outdated notice visible');
  await outdated.locator('.notice-outdated a', { hasText: 'Leer el texto actual en inglés' }).click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/2.0/module-1.html#req-1.1.2'), `link to the current English (${page.url()})`);
  await page.goBack();
  await page.locator('[id="req-1.1.2"] .notice-outdated a', { hasText: 'Ver qué cambió' }).click();
  await page.waitForLoadState();
  check(/\/es\/history\/1\.1\.2\.html#v2\.0$/.test(page.url()), `link to what changed (${page.url()})`);
  check((await page.locator('.diff-inline').first().innerText()).includes('register'), 'the change is shown');

  // Language switcher: same page in English. Built without a base URL, the
  // page has no hreflang alternates: search engines take only absolute ones
  // (with a base URL they are there: tests/published.rs).
  await page.goto(`${site.url}es/2.0/module-1.html`);
  const alternates = await page.locator('link[rel=alternate][hreflang]').evaluateAll((ls) => ls.map((l) => l.hreflang));
  check(alternates.length === 0, `no relative hreflang alternates (${alternates})`);
  await page.locator('details.switcher summary', { hasText: 'Idioma' }).click();
  await page.getByRole('navigation', { name: 'Idiomas' }).getByRole('link', { name: 'English' }).click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/2.0/module-1.html'), `switcher leads to the same page in English (${page.url()})`);

  // Right to left: Arabic page direction, English fallbacks left to right.
  await page.goto(`${site.url}ar/2.0/module-1.html`);
  check(await page.locator('html').getAttribute('dir') === 'rtl', 'Arabic page is right to left');
  check(await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction) === 'rtl', 'layout runs right to left');
  check((await page.locator('[id="req-1.1.1"] h3').innerText()).includes('تعيين شخص مسؤول'), 'Arabic text shown');
  const fb = page.locator('[id="req-1.1.2"] .req-body');
  check(await fb.getAttribute('lang') === 'en' && await fb.getAttribute('dir') === 'ltr', 'English fallback marked lang=en dir=ltr');
  check(await fb.evaluate((e) => getComputedStyle(e).direction) === 'ltr', 'English fallback laid out left to right');

  // A strings-only language builds a whole site of English fallbacks.
  await page.goto(`${site.url}sw/2.0/module-2.html`);
  check((await page.locator('[id="req-2.2.1"] .notice-missing').innerText()).includes('Sharti hili bado halijatafsiriwa'), 'strings-only language shows its notice');

  // Status page.
  await page.goto(`${site.url}es/status.html`);
  const text = await page.locator('main').innerText();
  check(text.includes('1.1.3') && text.includes('1.2.1'), 'status page lists outdated and missing requirements');
});
