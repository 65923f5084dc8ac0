// "The Code for me" in headless Chromium: node forme.mjs SITE_DIR OUT_DIR
// SITE_DIR is the shipped site built; OUT_DIR receives what the Rust test
// reads back (the exported JSON and CSV, the printed PDF, the IDs expected).
//  - role pages: the commodity and OECD filter gives the same requirements
//    with JavaScript off (CSS) and on (?commodity=&oecd=), the ones the
//    edition's JSON says apply;
//  - the checklist: filled in, reloaded (kept), exported (JSON, CSV),
//    cleared, imported again (JSON, then CSV) is the same;
//  - a 2.0 assessment imported into 2.1 flags exactly the requirements the
//    2.0-2.1 diff JSON calls modified (and renumbered with changes), moves
//    the renumbered ones, lists the removed ones, leaves the new ones open;
//    opening 2.1 with 2.0's answers kept offers the same carry-over;
//  - hostile files: markup in a note, another standard, an unknown version,
//    unknown IDs, a 50 MB file, a file that is neither JSON nor CSV: a
//    message, no live payload, the kept progress unchanged;
//  - the checklist printed to PDF (OUT_DIR/checklist.pdf).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, check } from './lib.mjs';

const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../theme/node_modules/axe-core/axe.min.js');
/** axe-core on the page as it is now (the rules tests/browser/a11y.mjs runs). */
async function axe(page, label) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  check(found.length === 0, `${label}: no axe violations ${found.join('; ')}`);
}

const [dir, out] = process.argv.slice(2);
const json = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
const edition = json('api/en/2.1/edition.json');
const requirements = edition.requirements;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const sorted = (xs) => [...xs].sort();
// A checklist's state as a reader sees it: a note without a status is "not started".
const norm = (st) => ({
  roles: sorted(st.roles), commodities: sorted(st.commodities), removed: st.removed,
  answers: Object.keys(st.answers).sort().filter((id) => st.answers[id].status || st.answers[id].note)
    .map((id) => [id, st.answers[id].status || 'not-started', st.answers[id].note || '', st.answers[id].changed_since || '']),
});

async function visibleIds(page, selector) {
  return page.locator(selector).evaluateAll((es) => es.filter((e) => e.offsetParent !== null).map((e) => e.dataset.id));
}

await run(dir, async (browser, site) => {
  const errors = [];
  // --- Role pages: the same set with JavaScript off and on. ---
  const off = await browser.newContext({ javaScriptEnabled: false });
  const on = await browser.newContext();
  const offPage = await off.newPage();
  const onPage = await on.newPage();
  onPage.on('pageerror', (e) => errors.push(String(e)));
  const meta = (r) => ({ ...r.metadata, applies_to: r.metadata['applies-to'] });
  const cases = [['producer', 'gold', ''], ['buyer', '', 'serious-abuses'], ['buyer', 'cobalt', ''], ['producer', '3t', 'taxes-royalties'], ['producer', '', '']];
  for (const [role, commodity, oecd] of cases) {
    const expected = sorted(requirements.filter((r) => {
      const m = meta(r);
      return m.applies_to.includes(role) && (!commodity || !m.commodities.length || m.commodities.includes(commodity)) &&
        (!oecd || m.oecd.includes(oecd));
    }).map((r) => r.id));
    const url = `${site.url}en/2.1/for-${role}.html`;
    await offPage.goto(url);
    if (commodity) await offPage.locator(`label[for="fc-${commodity}"]`).click();
    if (oecd) await offPage.locator(`label[for="fo-${oecd}"]`).click();
    const noJs = sorted(await visibleIds(offPage, '.groups .r'));
    const q = new URLSearchParams();
    if (commodity) q.set('commodity', commodity);
    if (oecd) q.set('oecd', oecd);
    await onPage.goto(`${url}?${q}`);
    const withJs = sorted(await visibleIds(onPage, '.groups .r'));
    const label = `${role} ${commodity || 'any commodity'} ${oecd || 'any risk'}`;
    check(expected.length > 0 || !!oecd, `${label}: the edition has requirements for it (${expected.length})`);
    check(same(noJs, expected), `${label}: without JavaScript the filter shows what applies (${noJs.join(' ')} / ${expected.join(' ')})`);
    check(same(withJs, expected), `${label}: with JavaScript, from the link, the same (${withJs.join(' ')})`);
    const count = await onPage.locator('.flt-count').textContent();
    check(count.startsWith(`${expected.length} `), `${label}: the count says ${expected.length} (${count})`);
  }
  // With JavaScript, choosing writes the link.
  await onPage.goto(`${site.url}en/2.1/for-buyer.html`);
  await onPage.locator('label[for="fc-gold"]').click();
  check(new URL(onPage.url()).search === '?commodity=gold', `choosing a commodity writes it in the address (${onPage.url()})`);
  // Every requirement links to who it applies to; the role page's entry is there.
  const chapter = await on.newPage();
  await chapter.goto(`${site.url}en/2.1/module-3.html`);
  const who = await chapter.locator('a.who').first().getAttribute('href');
  check(/^for-[a-z-]+\.html#r-[0-9.]+$/.test(who), `a requirement links to its role pages (${who})`);
  await chapter.locator('a.who').first().click();
  check(await chapter.locator(`[id="${decodeURIComponent(new URL(chapter.url()).hash.slice(1))}"]`).isVisible(), 'the link leads to the requirement on the role page');
  const home = await on.newPage();
  await home.goto(`${site.url}en/2.1/index.html`);
  check(await home.locator('a[href$="checklist.html"]').count() === 1 && await home.locator('a[href$="for-producer.html"]').count() === 1,
    'the edition home links to the role pages and the checklist');
  // What changed for me: the diff page filters by role and commodity, the
  // same with JavaScript off and on, to the changes the diff JSON says touch them.
  const diffJson = json('api/en/diff/2.0-2.1.json');
  for (const [role, commodity] of [['buyer', ''], ['producer', 'gold'], ['buyer', 'cobalt'], ['scheme-operator', '']]) {
    const touches = (m) => m && m['applies-to'].includes(role) && (!commodity || !m.commodities.length || m.commodities.includes(commodity));
    const expected = sorted(diffJson.changes.filter((c) => touches(c.old_metadata) || touches(c.new_metadata)).map((c) => c.id || c.old_id));
    const url = `${site.url}en/diff/2.0-2.1.html`;
    await offPage.goto(url);
    await offPage.locator(`label[for="fr-${role}"]`).click();
    if (commodity) await offPage.locator(`label[for="fc-${commodity}"]`).click();
    const ids = async (p) => sorted((await visibleIds(p, '.groups .r')).map((a) => a.replace(/^change-/, '')));
    const noJs = await ids(offPage);
    const q = new URLSearchParams({ role });
    if (commodity) q.set('commodity', commodity);
    await onPage.goto(`${url}?${q}`);
    const withJs = await ids(onPage);
    const label = `diff 2.0-2.1 for ${role} ${commodity || 'any commodity'}`;
    check(expected.length > 0 && expected.length < diffJson.changes.length, `${label}: some changes, not all (${expected.length} of ${diffJson.changes.length})`);
    check(same(noJs, expected), `${label}: without JavaScript (${noJs.join(' ')} / ${expected.join(' ')})`);
    check(same(withJs, expected), `${label}: with JavaScript, from the link (${withJs.join(' ')})`);
  }
  await axe(onPage, 'a diff page filtered for a role');
  await off.close();

  // --- The checklist: fill in, reload, export, clear, import. ---
  const page = await on.newPage({ acceptDownloads: true });
  page.on('pageerror', (e) => errors.push(String(e)));
  const cl = `${site.url}en/2.1/checklist.html`;
  await page.goto(cl);
  const state = () => page.evaluate(() => window.craftpubChecklist.state());
  await page.locator('label[for="cr-producer"]').click();
  await page.locator('label[for="cc-gold"]').click();
  const shown = await visibleIds(page, 'fieldset.item');
  const applicable = sorted(requirements.filter((r) => meta(r).applies_to.includes('producer') &&
    (!meta(r).commodities.length || meta(r).commodities.includes('gold'))).map((r) => r.id));
  check(same(sorted(shown), applicable), `choosing producer and gold keeps what applies (${shown.length} of ${requirements.length})`);
  const picks = [[shown[0], 'met', 'Register kept at the office.\nSecond line, "quoted", with a comma'], [shown[1], 'in-progress', ''], [shown[2], 'not-applicable', '=SUM(A1) starts like a formula'], [shown[3], '', 'A note, no status yet']];
  for (const [id, status, note] of picks) {
    if (status) await page.locator(`label[for="s-${id}-${status}"]`).click();
    if (note) await page.locator(`[id="n-${id}"]`).fill(note);
  }
  // The keyboard alone: Tab to a status and choose with the arrows.
  await page.locator(`[id="s-${shown[4]}-not-started"]`).focus();
  await page.keyboard.press('ArrowRight');
  const filled = await state();
  check(filled.answers[shown[4]]?.status === 'in-progress', 'a status is chosen with the keyboard');
  await page.reload();
  const reloaded = await state();
  check(same(reloaded, filled), 'reloaded, the answers are kept');
  check(await page.locator(`[id="n-${shown[0]}"]`).inputValue() === picks[0][2] && await page.locator(`[id="s-${shown[0]}-met"]`).isChecked(),
    'reloaded, the form shows them');
  check(!(await page.locator('label[for="cr-buyer"]').locator('..').locator('input').isChecked()) && await page.locator('#cr-producer').isChecked(), 'and the roles chosen');
  const save = async (act, name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`button[data-act="${act}"]`).click()]);
    const file = path.join(out, name);
    await download.saveAs(file);
    return file;
  };
  const jsonFile = await save('json', 'assessment.json');
  const csvFile = await save('csv', 'assessment.csv');
  const exported = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  check(exported.version === '2.1' && exported.answers.length === 5, `the export holds the 5 answers (${exported.answers.length})`);
  fs.writeFileSync(path.join(out, 'answers.json'), JSON.stringify(filled));
  const clear = async () => { await page.locator('button[data-act="clear"]').click(); };
  await clear();
  check(Object.keys((await state()).answers).length === 0 && !(await page.locator(`[id="s-${shown[0]}-met"]`).isChecked()), 'cleared, nothing is kept');
  await page.locator('#import').setInputFiles(jsonFile);
  await page.waitForFunction(() => document.getElementById('msg').textContent.length > 0);
  check(same(norm(await state()), norm(filled)), `imported from JSON, the same answers (${await page.locator('#msg').textContent()})`);
  await clear();
  await page.locator('#import').setInputFiles(csvFile);
  await page.waitForFunction(() => !/cleared/.test(document.getElementById('msg').textContent));
  check(same(norm(await state()), norm(filled)), `imported from CSV, the same answers (${await page.locator('#msg').textContent()})`);
  await page.reload();
  check(same(norm(await state()), norm(filled)), 'and kept after a reload');
  const before = await state();

  // --- Hostile files: a message, no payload, the progress unchanged. ---
  const kept = await page.evaluate((k) => localStorage.getItem(k), 'craftpub-checklist:CRAFT Code:2.1:en');
  check(Boolean(kept), 'the progress is kept under the edition\'s key');
  await page.exposeFunction('pwned', () => errors.push('a payload ran'));
  const base = { ...exported };
  const evil = '<img src=x onerror="window.pwned()"><script>window.pwned()</script>';
  const hostile = [
    ['markup in a note', JSON.stringify({ ...base, answers: [{ id: shown[0], status: 'met', note: evil }] })],
    ['markup in a CSV note', fs.readFileSync(csvFile, 'utf8').replace('Register kept', evil.replace(/"/g, '""'))],
    ['another standard', JSON.stringify({ ...base, standard: 'IRMA Standard <b>x</b>' })],
    ['an unknown version', JSON.stringify({ ...base, version: '9.9' })],
    ['unknown IDs', JSON.stringify({ ...base, answers: [{ id: '99.1.1', status: 'met', note: '' }] })],
    ['an unknown field', JSON.stringify({ ...base, __proto__x: 1, answers: base.answers })],
    ['a prototype key', `{"__proto__": {"polluted": 1}, ${JSON.stringify(base).slice(1)}`],
    ['a wrong status', JSON.stringify({ ...base, answers: [{ id: shown[0], status: 'done', note: '' }] })],
    ['broken JSON', '{"standard": "CRAFT Code", '],
    ['not JSON or CSV', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['plain text', 'just some text <script>window.pwned()</script>\n'],
  ];
  const big = path.join(out, 'big.json');
  fs.writeFileSync(big, '{"note": "' + 'x'.repeat(50 * 1024 * 1024) + '"}');
  for (const [label, content] of [...hostile, ['a 50 MB file', null]]) {
    await page.evaluate(() => { document.getElementById('msg').textContent = ''; });
    if (content === null) await page.locator('#import').setInputFiles(big);
    else await page.locator('#import').setInputFiles({ name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(content) });
    await page.waitForFunction(() => document.getElementById('msg').textContent.length > 0);
    const msg = await page.locator('#msg').textContent();
    const after = await page.evaluate((k) => localStorage.getItem(k), 'craftpub-checklist:CRAFT Code:2.1:en');
    const live = await page.evaluate(() => document.querySelectorAll('main img, main script:not([type="application/json"]), #msg *').length + (Object.prototype.polluted ? 1 : 0));
    check(/Nothing was changed/.test(msg), `${label}: a clear message (${msg})`);
    check(after === kept && same(await state(), before), `${label}: the progress is unchanged`);
    check(live === 0, `${label}: no live payload`);
  }
  fs.rmSync(big);

  // --- Carry 2.0 over to 2.1. ---
  const diff = json('api/en/diff/2.0-2.1.json');
  const old = await on.newPage({ acceptDownloads: true });
  old.on('pageerror', (e) => errors.push(String(e)));
  await old.goto(`${site.url}en/2.0/checklist.html`);
  const oldIds = await old.locator('fieldset.item').evaluateAll((es) => es.map((e) => e.dataset.id));
  await old.evaluate((ids) => {
    const answers = {};
    ids.forEach((id) => { answers[id] = { status: 'met', note: `note of ${id}` }; });
    localStorage.setItem('craftpub-checklist:CRAFT Code:2.0:en', JSON.stringify({ roles: [], commodities: [], answers, removed: [] }));
  }, oldIds);
  await old.reload();
  const [dl] = await Promise.all([old.waitForEvent('download'), old.locator('button[data-act="json"]').click()]);
  const oldFile = path.join(out, 'assessment-2.0.json');
  await dl.saveAs(oldFile);
  const changes = diff.changes;
  const changed = (c) => c.change === 'modified' || (c.change === 'renumbered' && (c.text_changed || c.metadata_changed.length > 0));
  const expectFlag = sorted(changes.filter(changed).map((c) => c.id));
  const renumbered = changes.filter((c) => c.change === 'renumbered');
  const removed = sorted(changes.filter((c) => c.change === 'removed').map((c) => c.old_id));
  const added = changes.filter((c) => c.change === 'added').map((c) => c.id);
  const modified = changes.filter((c) => c.change === 'modified').map((c) => c.id);
  const carryCheck = async (p, label) => {
    const s = await p.evaluate(() => window.craftpubChecklist.state());
    const flagged = sorted(await p.locator('fieldset.item').evaluateAll((es) => es.filter((e) => !e.querySelector('.flag').hidden).map((e) => e.dataset.id)));
    check(modified.length > 0 && same(flagged, expectFlag), `${label}: flags exactly the changed requirements (${flagged.join(' ')} / ${expectFlag.join(' ')})`);
    check(renumbered.length > 0 && renumbered.every((c) => s.answers[c.id]?.note === `note of ${c.old_id}`), `${label}: renumbered ones move with their answer (${renumbered.map((c) => `${c.old_id}->${c.id}`).join(', ')})`);
    check(same(sorted(s.removed.map((r) => r.id)), removed) && (await p.locator('#removed li').count()) === removed.length && await p.locator('#removed').isVisible(), `${label}: removed ones are listed apart (${removed.join(' ')})`);
    check(added.length > 0 && added.every((id) => !s.answers[id]), `${label}: new ones are open (${added.join(' ')})`);
    const unchanged = requirements.map((r) => r.id).filter((id) => !changes.some((c) => c.id === id));
    check(unchanged.length > 0 && unchanged.every((id) => s.answers[id]?.note === `note of ${id}` && !s.answers[id].changed_since), `${label}: unchanged ones keep their answer (${unchanged.length})`);
    const first = p.locator(`[id="i-${modified[0]}"]`);
    check(await first.locator('.since ins, .since del').count() > 0 && await first.locator('.since .why').isVisible(), `${label}: a changed one shows its word diff and its reason`);
  };
  await page.locator('#import').setInputFiles(oldFile);
  await page.waitForFunction(() => /Carried over/.test(document.getElementById('msg').textContent));
  await carryCheck(page, 'imported 2.0 assessment');
  await axe(page, 'the 2.1 checklist with a 2.0 assessment carried over');
  fs.writeFileSync(path.join(out, 'carry.json'), JSON.stringify({ flagged: expectFlag }));
  // From further back (1.0): carried too, a changed one flagged with a link to its history.
  const v10 = json('api/en/1.0/edition.json').requirements.map((r) => r.id);
  const a10 = { ...exported, version: '1.0', roles: [], commodities: [], answers: v10.map((id) => ({ id, status: 'met', note: `1.0 ${id}` })) };
  await page.locator('#import').setInputFiles({ name: 'a10.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(a10)) });
  await page.waitForFunction(() => /version 1\.0/.test(document.getElementById('msg').textContent));
  const s10 = await state();
  const flagged10 = await page.locator('fieldset.item .since-any:not([hidden]) a').count();
  check(Object.keys(s10.answers).length > 0 && Object.values(s10.answers).some((a) => a.changed_since === '1.0') && flagged10 > 0,
    `a 1.0 assessment carries to 2.1 (${await page.locator('#msg').textContent()}; ${flagged10} history links)`);
  // Opening 2.1 with nothing kept for it, but 2.0's answers: offered.
  await page.locator('button[data-act="clear"]').click();
  await page.reload();
  const offer = page.locator('#offer button');
  check(await offer.isVisible(), `opening 2.1 offers 2.0's answers (${await offer.textContent()})`);
  await offer.click();
  await carryCheck(page, 'opened with 2.0 kept');

  // --- Print: choose producer, print; the Rust test reads the PDF. ---
  await page.locator('button[data-act="clear"]').click();
  await page.locator('label[for="cr-producer"]').click();
  const printed = sorted(await visibleIds(page, 'fieldset.item'));
  fs.writeFileSync(path.join(out, 'printed-ids.json'), JSON.stringify(printed));
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('.tools').isVisible()) && !(await page.locator('header.site').isVisible()), 'print: no tools, no navigation');
  await page.pdf({ path: path.join(out, 'checklist.pdf'), format: 'A4', printBackground: true });
  check(errors.length === 0, `no script errors, no payload (${errors.join('; ')})`);
});
