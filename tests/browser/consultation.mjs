// Public consultation on a draft, in headless Chromium:
//   node consultation.mjs OPEN_SITE CLOSED_SITE
// OPEN_SITE was built while the consultation on draft 3.0 of the mini
// fixture runs, CLOSED_SITE the day after it closed. Every requirement of
// the draft (and only of the draft, only while open) links to the comment
// template filled in for it, percent-encoded; a title or a template made to
// break out of the link runs no script and adds no element.
import { run, check, serve } from './lib.mjs';

const [open, closed] = process.argv.slice(2);

const expected = (id, title) => 'https://forms.example.org/comment?req=' + encodeURIComponent(id)
  + '&v=3.0&subject=' + encodeURIComponent(title).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
  + '&x=%22%3E%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E"><img src=x onerror=window.pwned=1>';

await run(open, async (browser, site) => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${site.url}en/3.0/module-1.html`);
  const reqs = await page.locator('article.req').evaluateAll((els) => els.map((a) => ({
    id: a.querySelector('.req-id').textContent.trim(),
    title: a.querySelector('h2, h3').textContent.trim(),
    links: [...a.querySelectorAll('a.comment-link')].map((l) => ({ href: l.getAttribute('href'), text: l.textContent })),
  })));
  check(reqs.length === 4, `four requirements on the draft's module 1 (${reqs.length})`);
  for (const r of reqs) {
    const title = r.title.slice(r.id.length).trim();
    check(r.links.length === 1, `${r.id} has one comment link`);
    check(r.links[0]?.href === expected(r.id, title), `${r.id}'s link is filled in for it (${r.links[0]?.href})`);
    check(r.links[0]?.text.startsWith('Comment on this requirement'), `${r.id}'s link says what it is`);
  }
  const hostile = reqs.find((r) => r.id === '1.1.1');
  check(hostile?.title.includes('<img src=x onerror=pwned=1>'), `the hostile title is shown as text (${hostile?.title})`);
  check(await page.evaluate(() => window.pwned === undefined), 'no payload ran');
  check(await page.locator('article.req img').count() === 0, 'the template added no element');
  check(await page.locator('script:not([src])').evaluateAll((s) => s.every((x) => !x.textContent.includes('pwned'))), 'no injected script element');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);

  await page.goto(`${site.url}en/3.0/index.html`);
  const box = page.locator('section.consultation');
  check((await box.innerText()).includes('Comments are taken until 2026-01-31'), `the draft's home says until when (${await box.innerText()})`);
  await box.locator('a.consultation-diff').click();
  await page.waitForLoadState();
  check(page.url().endsWith('/en/diff/2.0-3.0.html'), `it links the draft's diff (${page.url()})`);

  for (const p of ['en/2.0/module-1.html', 'en/2.0/index.html', 'en/1.0/module-1.html']) {
    await page.goto(site.url + p);
    check(await page.locator('a.comment-link, section.consultation').count() === 0, `no consultation on ${p}`);
  }

  const after = await serve(closed);
  try {
    await page.goto(`${after.url}en/3.0/module-1.html`);
    check(await page.locator('a.comment-link').count() === 0, 'no comment links once the consultation closed');
    await page.goto(`${after.url}en/3.0/index.html`);
    check((await page.locator('section.consultation').innerText()).includes('closed on 2026-01-31'), 'the home says it closed');
  } finally {
    after.close();
  }
});
