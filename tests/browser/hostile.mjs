// Opens every HTML page of a site built from payload-laden sources and checks
// that no payload ran: no window.__pwned, no dialog, no dangerous element or
// attribute, no javascript: URL; also runs a search for a payload word.
import fs from 'node:fs';
import path from 'node:path';
import { run, check } from './lib.mjs';

const dir = process.argv[2];

function pages(root) {
  const out = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, entry.name);
    if (entry.isDirectory()) out.push(...pages(p));
    else if (entry.name.endsWith('.html')) out.push(path.relative(dir, p));
  }
  return out.sort();
}

await run(dir, async (browser, site) => {
  const page = await browser.newPage();
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  const all = pages(dir).filter((p) => !p.includes('/latest/'));
  const bad = [];
  for (const p of all) {
    await page.goto(site.url + p.split(path.sep).join('/'));
    const found = await page.evaluate(() => {
      const problems = [];
      if (window.__pwned !== undefined) problems.push(`ran: ${window.__pwned}`);
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) problems.push(`attribute ${a.name} on <${el.localName}>`);
          if (/^\s*(javascript|vbscript|data):/i.test(a.value) && ['href', 'src', 'action', 'data', 'formaction'].includes(a.name)) problems.push(`${a.name}=${a.value.slice(0, 30)}`);
        }
        if (['iframe', 'object', 'embed', 'svg', 'img', 'video', 'form', 'input', 'style', 'math'].includes(el.localName) && !el.closest('form.search')) problems.push(`<${el.localName}>`);
      }
      for (const s of document.querySelectorAll('script')) {
        if (!s.src || !/assets\/search\.js$/.test(s.src)) problems.push(`script ${s.src || s.textContent.slice(0, 40)}`);
      }
      return problems;
    });
    if (found.length) bad.push(`${p}: ${found.join('; ')}`);
  }
  check(bad.length === 0, `${all.length} pages, no payload active${bad.length ? ':\n' + bad.slice(0, 10).join('\n') : ''}`);

  // Search results built from payload text stay text.
  await page.goto(`${site.url}en/2.0/module-1.html`);
  await page.locator('form.search input[name=q]').fill('pwned');
  await page.waitForTimeout(1500);
  const after = await page.evaluate(() => ({ ran: window.__pwned, imgs: document.querySelectorAll('main img, header img, [role=listbox] img').length }));
  check(after.ran === undefined && after.imgs === 0, `search results with payload text stay text (${JSON.stringify(after)})`);
  check(dialogs === 0, `no dialog opened (${dialogs})`);
});
