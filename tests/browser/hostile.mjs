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
        // The forms craftpub writes: search, and the filters and checklist
        // of "the Code for me" (radio buttons, check boxes, a file input).
        const ours = el.closest('form.search, form.flt, form#checklist') &&
          (el.localName !== 'input' || ['search', 'radio', 'checkbox', 'file'].includes(el.type));
        // The filter's own style: in <head>, nothing but its rules.
        const filterStyle = el.localName === 'style' && el.parentElement === document.head &&
          /^(\.flt:has\(#f[rco]-[a-z0-9-]+:checked\)~\.groups \.r:not\([a-z0-9.,-]+\),)*\.r\.r-none\{display:none\}$/.test(el.textContent);
        if (['iframe', 'object', 'embed', 'svg', 'img', 'video', 'form', 'input', 'style', 'math'].includes(el.localName) && !ours && !filterStyle) problems.push(`<${el.localName}>`);
      }
      for (const s of document.querySelectorAll('script')) {
        // The checklist's data: JSON, which the browser does not run.
        const data = s.id === 'checklist-data' && s.type === 'application/json' && (() => { try { JSON.parse(s.textContent); return true; } catch { return false; } })();
        if (!data && (!s.src || !/assets\/(search|filter|checklist)\.js$/.test(s.src))) problems.push(`script ${s.src || s.textContent.slice(0, 40)}`);
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
