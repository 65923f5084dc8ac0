/* craftpub search: the search box of every page and the edition's search page.
 * Our own code. lunr, the language's lunr-languages files and the edition's
 * search data load on the first use of the box only: the data is fetched
 * (search-index.json) from a web server, and loaded as a script
 * (search-index.js, which only the edition's download carries) from disk.
 * Everything shown is built with textContent: no data ever becomes HTML. */
(function (root) {
  'use strict';

  /* Words are split at whitespace, hyphens and the Ethiopic wordspace (U+1361);
   * the index is built in Rust with the same rule. */
  var SEPARATOR = /[\s\-\u1361]+/;
  var UNACCENT = {
    'á': 'a', 'à': 'a', 'ä': 'a', 'â': 'a', 'ã': 'a', 'å': 'a', 'é': 'e', 'è': 'e', 'ë': 'e', 'ê': 'e',
    'í': 'i', 'ì': 'i', 'ï': 'i', 'î': 'i', 'ó': 'o', 'ò': 'o', 'ö': 'o', 'ô': 'o', 'õ': 'o',
    'ú': 'u', 'ù': 'u', 'ü': 'u', 'û': 'u', 'ñ': 'n', 'ç': 'c', 'ý': 'y', 'ÿ': 'y'
  };
  var ACCENTED = /[áàäâãåéèëêíìïîóòöôõúùüûñçýÿ]/g;
  var ELIDED = /^(c|d|j|l|m|n|s|t|qu|jusqu|lorsqu|puisqu|quoiqu)['\u2019]([\s\S]+)$/;
  var ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
  var EDGES;
  try { // a word's leading and trailing punctuation, kept outside its mark
    EDGES = new RegExp('^([^\\p{L}\\p{N}]*)([\\s\\S]*?)([^\\p{L}\\p{N}]*)$', 'u');
  } catch (e) { // a browser without Unicode property escapes
    EDGES = /^(\W*)([\s\S]*?)(\W*)$/;
  }

  function unaccent(s) { return s.replace(ACCENTED, function (c) { return UNACCENT[c]; }); }

  /* craftpub's pipeline functions, registered with lunr (the index is built
   * in Rust with the same rules, src/search/pipeline.rs):
   * trimmer-craftpub trims everything but letters and digits of every script
   * from both ends of a token (languages without a lunr-languages pipeline);
   * elision-craftpub drops an elided article from the start (l'eau: eau);
   * fold-craftpub takes the accents off (ñ, ç too) before the stemmer. */
  function setup(lunr) {
    if (lunr.craftpubTrimmer) return;
    lunr.tokenizer.separator = SEPARATOR;
    var lead, tail;
    try {
      lead = new RegExp('^[^\\p{Alphabetic}\\p{N}_]+', 'u');
      tail = new RegExp('[^\\p{Alphabetic}\\p{N}_]+$', 'u');
    } catch (e) { // a browser without Unicode property escapes
      lead = /^\W+/; tail = /\W+$/;
    }
    var trimmer = function (token) {
      return token.update(function (s) { return s.replace(lead, '').replace(tail, ''); });
    };
    var elision = function (token) {
      return token.update(function (s) { var m = ELIDED.exec(s); return m ? m[2] : s; });
    };
    var fold = function (token) { return token.update(unaccent); };
    lunr.Pipeline.registerFunction(trimmer, 'trimmer-craftpub');
    lunr.Pipeline.registerFunction(elision, 'elision-craftpub');
    lunr.Pipeline.registerFunction(fold, 'fold-craftpub');
    lunr.craftpubTrimmer = trimmer;
    lunr.craftpubElision = elision;
    lunr.craftpubFold = fold;
  }

  /* The pipeline functions of a language: `trim` (and `elide`) and `stop`
   * clean the query's words; `fold` turns a typed prefix into the index's
   * spelling; `index` is the index-time pipeline, `search` the query-time
   * one (what the serialised index names). */
  function functions(lunr, lang) {
    var L = lunr[lang];
    switch (lang) {
      case 'en': return { trim: lunr.trimmer, elide: null, stop: lunr.stopWordFilter, fold: null,
        index: [lunr.trimmer, lunr.stopWordFilter, lunr.stemmer], search: [lunr.stemmer], letters: true };
      case 'es': return { trim: L.trimmer, elide: null, stop: L.stopWordFilter, fold: lunr.craftpubFold,
        index: [L.trimmer, L.stopWordFilter, lunr.craftpubFold, L.stemmer],
        search: [L.trimmer, lunr.craftpubFold, L.stemmer], letters: true };
      case 'fr': return { trim: L.trimmer, elide: lunr.craftpubElision, stop: L.stopWordFilter, fold: L.accentFold,
        index: [L.trimmer, lunr.craftpubElision, L.stopWordFilter, L.accentFold, L.stemmer],
        search: [L.trimmer, lunr.craftpubElision, L.accentFold, L.stemmer], letters: true };
      case 'pt': return { trim: L.trimmer, elide: lunr.craftpubElision, stop: L.stopWordFilter, fold: lunr.craftpubFold,
        index: [L.trimmer, lunr.craftpubElision, L.stopWordFilter, lunr.craftpubFold, L.stemmer],
        search: [L.trimmer, lunr.craftpubElision, lunr.craftpubFold, L.stemmer], letters: true };
      default: return { trim: lunr.craftpubTrimmer, elide: null, stop: null, fold: null,
        index: [lunr.craftpubTrimmer], search: [lunr.craftpubTrimmer], letters: false };
    }
  }

  function pipeline(lunr, list) {
    var p = new lunr.Pipeline();
    list.forEach(function (f) { if (f) p.add(f); });
    return p;
  }

  function strings(tokens) { return tokens.map(String).filter(Boolean); }

  /* How many documents hold `term` in any field. */
  function documentCount(index, term) {
    var posting = index.invertedIndex[term], n = 0;
    if (!posting) return 0;
    index.fields.forEach(function (f) { n += Object.keys(posting[f] || {}).length; });
    return n;
  }

  /* The words one letter away from `w` (deleted, swapped, changed, added)
   * whose index terms exist: a reader's one-letter typo, corrected. Each is
   * [term, boost]: a correction that keeps the first letter weighs more
   * (readers rarely mistype it). */
  function corrections(index, w) {
    var seen = {}, out = [], terms = {}, chars = Array.from(w), n = chars.length;
    function tryWord(c) {
      if (seen[c]) return;
      seen[c] = true;
      var boost = c.charAt(0) === w.charAt(0) ? 0.2 : 0.05;
      index.pipeline.runString(c).forEach(function (t) {
        if (!documentCount(index, t)) return;
        if (!terms[t]) { terms[t] = [t, boost]; out.push(terms[t]); } else terms[t][1] = Math.max(terms[t][1], boost);
      });
    }
    for (var i = 0; i <= n; i++) {
      var head = chars.slice(0, i).join(''), rest = chars.slice(i);
      if (i < n) tryWord(head + rest.slice(1).join(''));
      if (i < n - 1) tryWord(head + rest[1] + rest[0] + rest.slice(2).join(''));
      for (var a = 0; a < ALPHABET.length; a++) {
        if (i < n && ALPHABET[a] !== rest[0]) tryWord(head + ALPHABET[a] + rest.slice(1).join(''));
        tryWord(head + ALPHABET[a] + rest.join(''));
      }
    }
    return out;
  }

  /* Searches one index (of one language) for what a reader typed: each word
   * that is not a stop word is a query of its own, matched whole (through the
   * index's search pipeline: elision, fold, stem), the last word (still being
   * typed) also as a prefix, and a word of 5 letters or more that finds
   * fewer than three documents also a letter or two away (ranked below). A
   * word that is a requirement's ID finds it (the last word also as the
   * start of IDs). Returns the number of words and per matching document
   * its score, which of the words it holds and the index terms that matched. */
  function searchIndex(lunr, entry, text, docs) {
    var f = functions(lunr, entry.lang), index = entry.index;
    var clean = pipeline(lunr, [f.trim, f.elide]), stop = pipeline(lunr, [f.stop]);
    var tokens = lunr.tokenizer(String(text).replace(/[*:^~+]/g, ' '));
    var words = [];
    tokens.forEach(function (t) { strings(clean.run([t])).forEach(function (w) { words.push(w); }); });
    var content = words.filter(function (w) { return stop.run([new lunr.Token(w)]).length; });
    var lastIsContent = words.length && content.length && content[content.length - 1] === words[words.length - 1];
    var hits = {};
    function hit(ref, k, score) {
      var h = hits[ref] || (hits[ref] = { ref: String(ref), score: 0, matched: {}, terms: {}, lang: entry.lang });
      h.score += score;
      h.matched[k] = true;
      return h;
    }
    content.forEach(function (w, k) {
      var last = k === content.length - 1 && lastIsContent;
      var clauses = [{ term: w, boost: 10 }];
      if (last && w.length > 1) {
        var forms = f.fold ? strings([].concat(f.fold(new lunr.Token(w)))) : [w];
        forms.forEach(function (p) {
          clauses.push({ term: p, usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 1 });
        });
      }
      if (Array.from(w).length >= 5) {
        var terms = index.pipeline.runString(w), found = 0;
        terms.forEach(function (t) { found += documentCount(index, t); });
        if (found < 3) {
          var near = f.letters ? corrections(index, unaccent(w)) : [];
          near.forEach(function (t) { clauses.push({ term: t[0], usePipeline: false, boost: t[1] }); });
          terms.forEach(function (t) {
            clauses.push({ term: t, usePipeline: false, editDistance: Array.from(t).length >= 8 ? 2 : 1, boost: 0.1 });
          });
        }
      }
      index.query(function (q) {
        clauses.forEach(function (c) { q.term(c.term.replace(/[*]/g, ''), c); });
      }).forEach(function (r) {
        var h = hit(r.ref, k, r.score);
        Object.keys(r.matchData.metadata).forEach(function (t) { h.terms[t] = true; });
      });
      if (docs && /^\d+(\.\d+)*\.?$/.test(w)) {
        docs.forEach(function (d, ref) {
          if (!d.i || Boolean(d.l) !== Boolean(entry.fallback)) return;
          var id = d.i.toLowerCase();
          if (id === w) hit(ref, k, 1000).id = true;
          else if (last && id.indexOf(w) === 0 && /\./.test(w)) hit(ref, k, 10);
        });
      }
    });
    return { need: content.length, hits: hits };
  }

  /* Searches every index of an edition (its language's and, where some text
   * is shown untranslated, the source language's) and ranks the results:
   * a requirement whose ID was typed first, then documents with all the
   * words before those with some, requirements and glossary terms before
   * sections, sections before chapters, then by lunr's score. `docs` (the
   * documents' data) gives kinds and IDs; without it they are not ranked. */
  function search(lunr, entries, text, docs) {
    var all = [];
    entries.forEach(function (entry) {
      var r = searchIndex(lunr, entry, text, docs);
      Object.keys(r.hits).forEach(function (ref) {
        var h = r.hits[ref], d = docs && docs[+ref];
        h.missing = r.need - Object.keys(h.matched).length;
        h.kindRank = d ? (d.k === 's' ? 1 : (!d.i && !d.k ? 2 : 0)) : 0;
        all.push(h);
      });
    });
    all.sort(function (a, b) {
      return (b.id ? 1 : 0) - (a.id ? 1 : 0) || a.missing - b.missing || a.kindRank - b.kindRank
        || b.score - a.score || (+a.ref) - (+b.ref);
    });
    return all;
  }

  /* The indexes of loaded search data, each with its pipeline's language. */
  function indexes(lunr, data) {
    var out = [{ lang: data.lang, index: lunr.Index.load(data.index), fallback: false }];
    if (data.fallback_index) {
      out.push({ lang: data.fallback_lang, index: lunr.Index.load(data.fallback_index), fallback: true });
    }
    return out;
  }

  root.craftpubSearchSetup = setup;
  root.craftpubSearchQuery = search;
  root.craftpubSearchPipelines = function (lunr, lang) {
    var f = functions(lunr, lang);
    return { index: f.index, search: f.search };
  };

  var doc = root.document;
  if (!doc || !doc.querySelector) return;

  var form = doc.querySelector('form.search');
  if (!form || !form.getAttribute('data-index')) return;
  var input = form.querySelector('input[name="q"]');
  var loaded = null, loading = false, failed = false, waiting = [];
  var fromDisk = root.location && root.location.protocol === 'file:';

  function el(name, cls, text) {
    var e = doc.createElement(name);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function ready(data) {
    var lunr = root.lunr;
    try {
      setup(lunr);
      loaded = {
        lunr: lunr, data: data, entries: indexes(lunr, data), full: {},
        base: new URL(form.getAttribute('data-index'), doc.baseURI).href
      };
      loaded.entries.forEach(function (e) { loaded.full[e.lang] = pipeline(lunr, functions(lunr, e.lang).index); });
    } catch (e) {
      fail();
      return;
    }
    var w = waiting; waiting = [];
    w.forEach(function (fn) { fn(); });
  }

  var onFail = [];
  function failText() {
    return fromDisk ? (form.getAttribute('data-offline') || form.getAttribute('data-failed')) : form.getAttribute('data-failed');
  }
  function fail() {
    failed = true;
    showStatus(failText());
    onFail.forEach(function (fn) { fn(); });
  }

  /* Loads lunr and the language's files (scripts, in this order), and the
   * search data: fetched from a server; from disk, the download's script. */
  function load(then) {
    if (loaded) { if (then) then(); return; }
    if (then) waiting.push(then);
    if (loading) return;
    loading = true;
    var urls = (form.getAttribute('data-scripts') || '').split(' ').filter(Boolean);
    var index = form.getAttribute('data-index');
    if (fromDisk) urls.push(index.replace(/\.json$/, '.js'));
    var left = urls.length + (fromDisk ? 0 : 1), data = null;
    function done() {
      if (--left === 0 && !failed) ready(fromDisk ? root.craftpubSearch : data);
    }
    urls.forEach(function (src) {
      var s = doc.createElement('script');
      s.src = src;
      s.async = false;
      s.onload = done;
      s.onerror = function () { if (!failed) fail(); };
      doc.head.appendChild(s);
    });
    if (!fromDisk) {
      root.fetch(index).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (d) { data = d; done(); }, function () { if (!failed) fail(); });
    }
  }

  /* `text` with the words whose index terms matched marked (punctuation
   * around a word stays outside its mark); with `max`, a window of about
   * that many characters around the first marked word. Returns the element
   * and whether anything was marked. */
  function marked(text, terms, full, cls, max) {
    var parts = String(text || '').split(/([\s\-\u1361]+)/);
    var hits = [], first = -1, lunr = loaded.lunr;
    for (var i = 0; i < parts.length; i += 2) {
      var m = EDGES.exec(parts[i]) || ['', '', parts[i], ''];
      var word = m[2];
      var hit = word && full.run(lunr.tokenizer(word)).some(function (t) {
        return Object.prototype.hasOwnProperty.call(terms, String(t));
      });
      hits[i] = hit ? m : null;
      if (hit && first < 0) first = i;
    }
    var start = 0, len = 0;
    if (max && first > 0) {
      for (start = first; start > 0 && len < max / 3; start -= 2) len += parts[start - 2].length + parts[start - 1].length;
    }
    var out = el('span', cls);
    if (start > 0) out.appendChild(doc.createTextNode('… '));
    len = 0;
    for (var j = start; j < parts.length; j++) {
      if (max && len > max) { out.appendChild(doc.createTextNode(' …')); break; }
      len += parts[j].length;
      var h = j % 2 === 0 && hits[j];
      if (h) {
        if (h[1]) out.appendChild(doc.createTextNode(h[1]));
        out.appendChild(el('mark', '', h[2]));
        if (h[3]) out.appendChild(doc.createTextNode(h[3]));
      } else {
        out.appendChild(doc.createTextNode(parts[j]));
      }
    }
    return { node: out, hit: first >= 0 };
  }

  function link(d) {
    var a = el('a');
    a.href = new URL(d.u, loaded.base).href;
    if (d.l) { a.lang = d.l; a.hreflang = d.l; }
    return a;
  }

  function render(list, results, limit) {
    list.textContent = '';
    results.slice(0, limit).forEach(function (r) {
      var d = loaded.data.docs[+r.ref];
      if (!d) return;
      var full = loaded.full[r.lang];
      var a = link(d);
      var title = el('span', 'sr-title');
      if (d.i) title.appendChild(el('span', 'sr-id', d.i));
      title.appendChild(marked(d.t, r.terms, full, '', 0).node);
      a.appendChild(title);
      var ctx = d.c && d.c !== d.t ? d.c : '';
      if (d.l) ctx += (ctx ? ' · ' : '') + d.l.toUpperCase();
      if (ctx) a.appendChild(el('span', 'sr-ctx', ctx));
      /* The snippet from where the match is: the body, else the guidance. */
      var body = d.x ? marked(d.x, r.terms, full, 'sr-snippet', 160) : null;
      if (body && !body.hit && d.g) {
        var guidance = marked(d.g, r.terms, full, 'sr-snippet', 160);
        if (guidance.hit) body = guidance;
      }
      if (body) a.appendChild(body.node);
      var li = el('li');
      li.appendChild(a);
      /* A section shows the requirements under it. */
      if (d.r && d.r.length) {
        var sub = el('ul', 'sr-reqs');
        d.r.slice(0, 8).forEach(function (ref) {
          var rd = loaded.data.docs[ref];
          if (!rd) return;
          var ra = link(rd);
          ra.appendChild(el('span', 'sr-id', rd.i));
          ra.appendChild(doc.createTextNode(rd.t));
          var rli = el('li');
          rli.appendChild(ra);
          sub.appendChild(rli);
        });
        li.appendChild(sub);
      }
      list.appendChild(li);
    });
  }

  function countText(n) {
    return n ? n + ' ' + form.getAttribute(n === 1 ? 'data-count-one' : 'data-count') : form.getAttribute('data-none');
  }

  /* Runs a search and shows it, timed as the `craftpub-search` performance measure. */
  function show(list, q, limit) {
    var t0 = root.performance ? root.performance.now() : 0;
    var results = search(loaded.lunr, loaded.entries, q, loaded.data.docs);
    render(list, results, limit);
    if (root.performance && root.performance.measure) {
      try { root.performance.measure('craftpub-search', { start: t0, end: root.performance.now() }); } catch (e) { /* old browser */ }
    }
    return results;
  }

  /* The results under the search box. */
  var pop = el('div', 'search-pop');
  pop.hidden = true;
  var status = el('p', 'search-status');
  status.setAttribute('role', 'status');
  var list = el('ul', 'search-list');
  list.id = 'search-results';
  pop.appendChild(status);
  pop.appendChild(list);
  form.appendChild(pop);
  input.setAttribute('aria-controls', list.id);

  function showStatus(text) {
    status.textContent = text || '';
    pop.hidden = false;
  }

  function close() { pop.hidden = true; }

  var timer = null;
  function update() {
    var q = input.value;
    if (!q.trim()) { close(); return; }
    if (failed) { fail(); return; }
    if (!loaded) { showStatus(form.getAttribute('data-loading')); load(update); return; }
    var results = show(list, q, 8);
    list.setAttribute('data-query', q);
    showStatus(countText(results.length));
  }

  input.addEventListener('focus', function () { load(null); if (input.value.trim()) update(); });
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(update, 60);
  });

  /* Keyboard: down from the box into the results, up and down between
   * them, Enter follows a result (a link), Escape back to the box. */
  function links() { return Array.prototype.slice.call(list.querySelectorAll('a')); }
  input.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown' && !pop.hidden) {
      var l = links();
      if (l.length) { e.preventDefault(); l[0].focus(); }
    } else if (e.key === 'Escape') {
      close();
    }
  });
  list.addEventListener('keydown', function (e) {
    var l = links(), i = l.indexOf(doc.activeElement);
    if (e.key === 'ArrowDown' && i < l.length - 1) { e.preventDefault(); l[i + 1].focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); if (i > 0) l[i - 1].focus(); else input.focus(); }
    else if (e.key === 'Escape') { e.preventDefault(); input.focus(); close(); }
  });
  form.addEventListener('focusout', function () {
    setTimeout(function () { if (!form.contains(doc.activeElement)) close(); }, 0);
  });
  list.addEventListener('click', close);
  root.addEventListener('hashchange', close);

  /* The edition's search page: results for ?q=. */
  var page = doc.getElementById('search-page');
  if (page) {
    var q = new URLSearchParams(root.location.search).get('q') || '';
    var needs = page.querySelector('.needs-js');
    if (needs) needs.hidden = true;
    var pageStatus = page.querySelector('.search-status');
    var pageList = page.querySelector('.search-list');
    if (q.trim()) {
      input.value = q;
      pageStatus.textContent = form.getAttribute('data-loading');
      onFail.push(function () { pageStatus.textContent = failText(); });
      load(function () {
        var results = show(pageList, q, 100);
        pageStatus.textContent = countText(results.length);
      });
    }
  }
})(this);
