// The query set (queries.toml) on the real search page of a built site, in
// headless Chromium:
//   node queries.mjs PUBLIC QUERIES.json [--report] [--throttle N]
// QUERIES.json is queries.toml as JSON ({lang: [{q, expect}]}), editions
// <lang>/2.1. For each query the search page (search.html?q=) is opened and
// its first three results are read: a query is answered when one of them is
// an expected requirement (or, for `glossary`, the glossary page). Every
// single-word query also runs without accents and with one typo (a letter
// changed in its middle, for words of 5 letters or more); each must give the
// word's own first result. Swahili queries are English words: each must give
// the first result English gives. Fails when a language answers fewer than
// 24 of 25 (the same share of a longer list), or a variant differs.
// --report prints per language the figures the README quotes, and with
// --throttle N (CPU slowed N times through DevTools'
// Emulation.setCPUThrottlingRate) the median and worst time of a search (the
// page's `craftpub-search` performance measure: query, ranking, rendering).
import fs from 'node:fs';
import { run, check } from '../browser/lib.mjs';

const args = process.argv.slice(2);
const [publicDir, queriesFile] = args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const report = args.includes('--report');
const throttleAt = args.indexOf('--throttle');
const throttle = throttleAt >= 0 ? Number(args[throttleAt + 1]) : 1;
const sets = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));

/** The word without accents (ñ and ç too), as phones often type it. */
function unaccented(w) {
  return w.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

/** One typo: the letter in the middle of the word changed to its neighbour in the alphabet. */
function typo(w) {
  const chars = [...w];
  const i = Math.floor(chars.length / 2);
  const c = chars[i];
  chars[i] = c === 'z' ? 'y' : String.fromCharCode(c.charCodeAt(0) + 1);
  return chars.join('');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0;
};

await run(publicDir, async (browser, site) => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (throttle > 1) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  }

  /** The first results of `q` in the edition `lang`/2.1: [{id, href}]. */
  async function results(lang, q) {
    await page.goto(`${site.url}${lang}/2.1/search.html?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => {
      const s = document.querySelector('#search-page .search-status');
      const form = document.querySelector('form.search');
      return s && s.textContent && s.textContent !== form.getAttribute('data-loading');
    });
    const top = await page.evaluate(() => [...document.querySelectorAll('#search-page .search-list > li')].map((li) => {
      const a = li.querySelector(':scope > a');
      const id = a && a.querySelector('.sr-id');
      return { id: id ? id.textContent : '', href: a ? a.href : '' };
    }));
    const ms = await page.evaluate(() => performance.getEntriesByName('craftpub-search').map((e) => e.duration));
    return { top, ms };
  }

  const answered = (top, expect) => top.slice(0, 3).some((r) => expect.includes(r.id)
    || (expect.includes('glossary') && /glossary\.html/.test(r.href)));
  const first = (top) => (top[0] ? top[0].id || top[0].href.replace(/^.*\/2\.1\//, '') : '(none)');

  const figures = {};
  const english = {};
  for (const lang of Object.keys(sets)) {
    let ok = 0;
    const times = [];
    const missed = [];
    let variants = 0;
    let variantsOk = 0;
    for (const { q, expect } of sets[lang]) {
      const { top, ms } = await results(lang, q);
      times.push(...ms);
      const good = answered(top, expect);
      if (good) ok++; else missed.push(`${q} -> ${top.slice(0, 3).map((r) => r.id || r.href.replace(/^.*\/2\.1\//, '')).join(', ')}`);
      if (lang === 'en') english[q] = first(top);
      if (lang === 'sw') {
        if (english[q] === undefined) english[q] = first((await results('en', q)).top);
        variants++;
        if (first(top) === english[q]) variantsOk++;
        check(first(top) === english[q], `sw: English "${q}" finds what English finds (${first(top)}; en ${english[q]})`);
      }
      const single = !/\s/.test(q) && !/^\d+(\.\d+)*$/.test(q);
      if (single) {
        const forms = new Set();
        if (unaccented(q) !== q) forms.add(unaccented(q));
        // Typo tolerance is for words of 5 letters or more (after an elided article).
        const core = q.replace(/^[a-z]+['\u2019]/, '');
        if ([...core].length >= 5) forms.add(typo(unaccented(q)));
        for (const form of forms) {
          const v = await results(lang, form);
          times.push(...v.ms);
          variants++;
          const same = first(v.top) === first(top);
          if (same) variantsOk++;
          check(same, `${lang}: "${form}" (variant of "${q}") finds the same first result (${first(v.top)}; "${q}" ${first(top)})`);
        }
      }
    }
    const need = Math.ceil((sets[lang].length * 24) / 25);
    if (lang !== 'sw') check(ok >= need, `${lang}: ${ok} of ${sets[lang].length} queries have a right answer in the first three (need ${need})${missed.length ? `; missed: ${missed.join('; ')}` : ''}`);
    else check(ok >= need, `sw: ${ok} of ${sets[lang].length} English-word queries have a right answer in the first three${missed.length ? `; missed: ${missed.join('; ')}` : ''}`);
    figures[lang] = { answered: ok, of: sets[lang].length, variants_same: variantsOk, variants, median_ms: median(times), worst_ms: Math.max(0, ...times), missed };
  }
  check(errors.length === 0, `no script errors (${errors.join('; ')})`);
  if (report) console.log(`figures ${JSON.stringify(figures, null, 1)}`);
});
