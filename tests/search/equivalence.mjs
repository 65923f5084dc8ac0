// The proof that craftpub's Rust-built search indexes are the ones lunr.js
// and lunr-languages build in the browser.
//
//   node equivalence.mjs STEMS.jsonl EDITION_DIR...
//
// STEMS.jsonl: lines [lang, token, terms] (our pipeline's terms for a token)
// and ["tokenizer", text, tokens]; each is run through lunr's own tokenizer
// and pipeline functions and must give the same.
// EDITION_DIR: a built edition folder (…/public/<lang>/<version>/) with
// search-index.json, the download's search-index.js (made from it) and
// documents.json (the documents as indexed, each saying whether it is shown
// in the source language, and queries with the requirement each must find).
// For each, lunr.js indexes the same documents with the same pipelines (the
// edition language's, and the source language's for untranslated text); the
// serialised indexes must be identical byte for byte, and every query must
// give the same results from both, with lunr's query syntax and with the
// page's own query (search.js), the expected requirement among the first three.
// The scripts are loaded from the built site's assets/lunr/, as pages load them.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '../..');
const searchJs = fs.readFileSync(path.join(repo, 'theme/static/search.js'), 'utf8');

let passes = 0;
let failures = 0;
function check(ok, what) {
  if (ok) { passes++; console.log(`ok - ${what}`); } else { failures++; console.log(`FAIL - ${what}`); }
}

const LANGUAGE_FILES = {
  en: [], none: [],
  es: ['lunr.stemmer.support.min.js', 'lunr.es.min.js'],
  fr: ['lunr.stemmer.support.min.js', 'lunr.fr.min.js'],
  pt: ['lunr.stemmer.support.min.js', 'lunr.pt.min.js'],
};

/** lunr from `lunrFile`, with the lunr-languages `files`, and search.js's functions. */
function loadLunr(lunrFile, files) {
  const lunr = require(lunrFile);
  for (const f of files) require(f)(lunr);
  const sandbox = {};
  vm.runInNewContext(searchJs, sandbox);
  sandbox.craftpubSearchSetup(lunr);
  return { lunr, query: sandbox.craftpubSearchQuery };
}

/** The index-time pipeline functions of a language: lunr's and lunr-languages'
 * own, with craftpub's (registered by search.js) where they apply. */
function indexPipeline(lunr, lang) {
  switch (lang) {
    case 'en': return [lunr.trimmer, lunr.stopWordFilter, lunr.stemmer];
    case 'es': return [lunr.es.trimmer, lunr.es.stopWordFilter, lunr.craftpubFold, lunr.es.stemmer];
    case 'fr': return [lunr.fr.trimmer, lunr.craftpubElision, lunr.fr.stopWordFilter, lunr.fr.accentFold, lunr.fr.stemmer];
    case 'pt': return [lunr.pt.trimmer, lunr.craftpubElision, lunr.pt.stopWordFilter, lunr.craftpubFold, lunr.pt.stemmer];
    default: return [lunr.craftpubTrimmer];
  }
}

/** Sets a builder up for `lang` the documented way, plus craftpub's functions. */
function configure(builder, lunr, lang) {
  switch (lang) {
    case 'en': // what lunr(config) does
      builder.pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
      builder.searchPipeline.add(lunr.stemmer);
      break;
    case 'es': // lunr-languages' README: an accent fold before the stemmer
      builder.use(lunr.es);
      builder.pipeline.before(lunr.es.stemmer, lunr.craftpubFold);
      builder.searchPipeline.before(lunr.es.stemmer, lunr.craftpubFold);
      break;
    case 'fr':
      builder.use(lunr.fr);
      builder.pipeline.after(lunr.fr.trimmer, lunr.craftpubElision);
      builder.searchPipeline.after(lunr.fr.trimmer, lunr.craftpubElision);
      break;
    case 'pt':
      builder.use(lunr.pt);
      for (const p of [builder.pipeline, builder.searchPipeline]) {
        p.after(lunr.pt.trimmer, lunr.craftpubElision);
        p.before(lunr.pt.stemmer, lunr.craftpubFold);
      }
      break;
    default:
      builder.pipeline.add(lunr.craftpubTrimmer);
      builder.searchPipeline.add(lunr.craftpubTrimmer);
  }
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: ours …${a.slice(Math.max(0, i - 80), i + 80)}… lunr's …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}

// 1. Tokens and terms.
const [stemsFile, ...editions] = process.argv.slice(2);
{
  const modules = path.join(repo, 'theme/node_modules');
  const { lunr } = loadLunr(path.join(modules, 'lunr/lunr.min.js'), [
    'lunr.stemmer.support.min.js', 'lunr.es.min.js', 'lunr.fr.min.js', 'lunr.pt.min.js',
  ].map((f) => path.join(modules, 'lunr-languages/min', f)));
  const pipelines = {};
  for (const lang of ['en', 'es', 'fr', 'pt', 'none']) {
    pipelines[lang] = new lunr.Pipeline();
    indexPipeline(lunr, lang).forEach((f) => pipelines[lang].add(f));
  }
  const counts = {};
  const wrong = [];
  for (const line of fs.readFileSync(stemsFile, 'utf8').split('\n')) {
    if (!line) continue;
    const [kind, input, expected] = JSON.parse(line);
    const got = kind === 'tokenizer'
      ? lunr.tokenizer(input).map(String)
      : pipelines[kind].run([new lunr.Token(input)]).map(String);
    counts[kind] = (counts[kind] || 0) + 1;
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      wrong.push(`${kind} ${JSON.stringify(input)}: ours ${JSON.stringify(expected)}, lunr's ${JSON.stringify(got)}`);
    }
  }
  for (const w of wrong.slice(0, 20)) console.log(`  ${w}`);
  check(wrong.length === 0, `tokens and terms equal lunr's (${JSON.stringify(counts)}; ${wrong.length} differ)`);
}

// 2. Whole indexes, and results.
for (const dir of editions) {
  const label = dir.split(path.sep).slice(-2).join('/');
  const sandbox = { window: {} };
  vm.runInNewContext(fs.readFileSync(path.join(dir, 'search-index.js'), 'utf8'), sandbox);
  const data = sandbox.window.craftpubSearch;
  const json = fs.readFileSync(path.join(dir, 'search-index.json'), 'utf8').trimEnd();
  check(JSON.stringify(JSON.parse(json)) === JSON.stringify(data), `${label}: the download's search-index.js holds the site's search-index.json`);
  // The serialised indexes as written, byte for byte.
  const start = json.lastIndexOf('"index":{"version"') + '"index":'.length;
  const fallbackAt = json.indexOf(',"fallback_index":');
  const raw = {
    [data.lang]: json.slice(start, fallbackAt >= 0 ? fallbackAt : -1),
  };
  if (fallbackAt >= 0) raw[data.fallback_lang] = json.slice(fallbackAt + ',"fallback_index":'.length, -1);
  const { docs, queries } = JSON.parse(fs.readFileSync(path.join(dir, 'documents.json'), 'utf8'));
  const assets = path.resolve(dir, '../../assets/lunr');
  const files = [...new Set([data.lang, data.fallback_lang].filter(Boolean).flatMap((l) => LANGUAGE_FILES[l]))];
  const { lunr, query } = loadLunr(path.join(assets, 'lunr.min.js'), files.map((f) => path.join(assets, f)));

  // lunr.js indexes the same documents: those in the edition's language
  // with its pipeline, those shown in the source language with that one.
  const ours = [];
  const theirs = [];
  for (const [lang, fallback] of [[data.lang, false], [data.fallback_lang, true]]) {
    if (!lang) continue;
    const builder = new lunr.Builder();
    builder.ref('ref');
    for (const [name, boost] of Object.entries(data.fields)) builder.field(name, { boost });
    configure(builder, lunr, lang);
    let n = 0;
    docs.forEach((d, i) => {
      if (Boolean(d.fallback) !== fallback) return;
      n++;
      builder.add({ ref: String(i), title: d.title, body: d.body, id: d.id });
    });
    const built = builder.build();
    const text = JSON.stringify(built);
    const same = text === raw[lang];
    check(same, `${label} (${lang}${fallback ? ', untranslated text' : ''}, ${n} documents): the index is byte for byte the one lunr.js builds`
      + (same ? '' : `; ${firstDifference(raw[lang], text)}`));
    ours.push({ lang, index: lunr.Index.load(fallback ? data.fallback_index : data.index), fallback });
    theirs.push({ lang, index: built, fallback });
  }

  const brief = (results) => JSON.stringify(results.map((r) => [r.ref, r.score]));
  for (const { q, expect } of queries) {
    for (let k = 0; k < ours.length; k++) {
      check(brief(ours[k].index.search(q)) === brief(theirs[k].index.search(q)), `${label} (${ours[k].lang}): "${q}" gives lunr's results (lunr syntax)`);
    }
    const page = query(lunr, ours, q, data.docs);
    check(brief(page) === brief(query(lunr, theirs, q, data.docs)), `${label}: "${q}" gives lunr's results (search.js)`);
    check(brief(query(lunr, ours, q)) === brief(query(lunr, theirs, q)), `${label}: "${q}" gives lunr's results (search.js, without ranking)`);
    if (expect && docs.some((d) => d.id === expect)) {
      const top = page.slice(0, 3).map((r) => docs[+r.ref].id);
      check(top.includes(expect), `${label}: "${q}" finds ${expect} among the first three (${JSON.stringify(top)})`);
    }
  }
}

console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
