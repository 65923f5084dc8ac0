/* craftpub search: the search box of every page and the edition's search page.
 * Our own code. lunr, the language's lunr-languages files and the edition's
 * index (search-index.js) load on the first use of the box only, by script
 * tags, so that search also works when the site is opened from disk.
 * Everything shown is built with textContent: no data ever becomes HTML. */
(function (root) {
  'use strict';

  /* trimmer-craftpub: for languages without a lunr-languages pipeline, trims
   * everything but letters and digits of every script from both ends of a
   * token. The index is built in Rust with the same rule. */
  function setup(lunr) {
    if (lunr.craftpubTrimmer) return;
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
    lunr.Pipeline.registerFunction(trimmer, 'trimmer-craftpub');
    lunr.craftpubTrimmer = trimmer;
  }

  /* The pipeline functions of a language: `trim` and `stop` clean the query's
   * words; `fold` turns a typed prefix into the index's spelling; `stem`
   * follows `trim` and `stop` at index time. */
  function functions(lunr, lang) {
    var L = lunr[lang];
    switch (lang) {
      case 'en': return { trim: lunr.trimmer, stop: lunr.stopWordFilter, fold: null, stem: [lunr.stemmer] };
      case 'es': case 'fr':
        return { trim: L.trimmer, stop: L.stopWordFilter, fold: L.accentFold, stem: [L.accentFold, L.stemmer] };
      case 'pt': return { trim: L.trimmer, stop: L.stopWordFilter, fold: null, stem: [L.stemmer] };
      default: return { trim: lunr.craftpubTrimmer, stop: null, fold: null, stem: [] };
    }
  }

  function pipeline(lunr, list) {
    var p = new lunr.Pipeline();
    list.forEach(function (f) { if (f) p.add(f); });
    return p;
  }

  /* Searches `index` for what a reader typed: every word that is not a stop
   * word as a whole word (through the index's own search pipeline: fold and
   * stem), and the last word, still being typed, also as a prefix. */
  function search(lunr, index, lang, text) {
    var f = functions(lunr, lang);
    var words = pipeline(lunr, [f.trim]).run(lunr.tokenizer(String(text).replace(/\*/g, ' ')))
      .map(String).filter(Boolean);
    if (!words.length) return [];
    var stop = pipeline(lunr, [f.stop]);
    var clauses = [];
    words.forEach(function (w) {
      if (stop.run([new lunr.Token(w)]).length) clauses.push({ term: w, boost: 10 });
    });
    var last = words[words.length - 1];
    if (last.length > 1) {
      var forms = f.fold ? [].concat(f.fold(new lunr.Token(last))).map(String) : [last];
      forms.forEach(function (p) {
        clauses.push({ term: p, usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 1 });
      });
    }
    if (!clauses.length) return [];
    return index.query(function (q) {
      clauses.forEach(function (c) { q.term(c.term, c); });
    });
  }

  root.craftpubSearchSetup = setup;
  root.craftpubSearchQuery = search;

  var doc = root.document;
  if (!doc || !doc.querySelector) return;

  var form = doc.querySelector('form.search');
  if (!form || !form.getAttribute('data-index')) return;
  var input = form.querySelector('input[name="q"]');
  var lang = form.getAttribute('data-lang') || 'none';
  var loaded = null, loading = false, failed = false, waiting = [];

  function el(name, cls, text) {
    var e = doc.createElement(name);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function ready() {
    var lunr = root.lunr, data = root.craftpubSearch;
    try {
      setup(lunr);
      loaded = {
        lunr: lunr, data: data, index: lunr.Index.load(data.index),
        full: null, base: new URL(form.getAttribute('data-index'), doc.baseURI).href
      };
      var f = functions(lunr, lang);
      loaded.full = pipeline(lunr, [f.trim, f.stop].concat(f.stem));
    } catch (e) {
      fail();
      return;
    }
    var w = waiting; waiting = [];
    w.forEach(function (fn) { fn(); });
  }

  var onFail = [];
  function fail() {
    failed = true;
    showStatus(form.getAttribute('data-failed'));
    onFail.forEach(function (fn) { fn(); });
  }

  /* Loads lunr, the language's files and the index, in this order. */
  function load(then) {
    if (loaded) { if (then) then(); return; }
    if (then) waiting.push(then);
    if (loading) return;
    loading = true;
    var urls = (form.getAttribute('data-scripts') || '').split(' ').filter(Boolean);
    urls.push(form.getAttribute('data-index'));
    var left = urls.length;
    urls.forEach(function (src) {
      var s = doc.createElement('script');
      s.src = src;
      s.async = false;
      s.onload = function () { if (--left === 0 && !failed) ready(); };
      s.onerror = function () { if (!failed) fail(); };
      doc.head.appendChild(s);
    });
  }

  /* The snippet of a result: a window of its text around the first word
   * whose index terms matched, those words marked. */
  function snippet(text, terms, max) {
    var parts = String(text || '').split(/([\s\-]+)/);
    var marked = [], first = -1;
    for (var i = 0; i < parts.length; i += 2) {
      var hit = parts[i] && loaded.full.run(loaded.lunr.tokenizer(parts[i])).some(function (t) {
        return Object.prototype.hasOwnProperty.call(terms, String(t));
      });
      marked[i] = hit;
      if (hit && first < 0) first = i;
    }
    var start = 0, len = 0;
    if (first > 0) {
      for (start = first; start > 0 && len < max / 3; start -= 2) len += parts[start - 2].length + parts[start - 1].length;
    }
    var out = el('span', 'sr-snippet');
    if (start > 0) out.appendChild(doc.createTextNode('… '));
    len = 0;
    for (var j = start; j < parts.length; j++) {
      if (len > max) { out.appendChild(doc.createTextNode(' …')); break; }
      len += parts[j].length;
      if (j % 2 === 0 && marked[j]) out.appendChild(el('mark', '', parts[j]));
      else out.appendChild(doc.createTextNode(parts[j]));
    }
    return out;
  }

  function render(list, results, limit) {
    list.textContent = '';
    results.slice(0, limit).forEach(function (r) {
      var d = loaded.data.docs[+r.ref];
      if (!d) return;
      var a = el('a');
      a.href = new URL(d.u, loaded.base).href;
      var title = el('span', 'sr-title');
      if (d.i) title.appendChild(el('span', 'sr-id', d.i));
      title.appendChild(doc.createTextNode(d.t));
      a.appendChild(title);
      if (d.c && d.c !== d.t) a.appendChild(el('span', 'sr-ctx', d.c));
      if (d.x) a.appendChild(snippet(d.x, r.matchData.metadata, 160));
      var li = el('li');
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  function countText(n) {
    return n ? n + ' ' + form.getAttribute(n === 1 ? 'data-count-one' : 'data-count') : form.getAttribute('data-none');
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
    var results = search(loaded.lunr, loaded.index, lang, q);
    render(list, results, 8);
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
      onFail.push(function () { pageStatus.textContent = form.getAttribute('data-failed'); });
      load(function () {
        var results = search(loaded.lunr, loaded.index, lang, q);
        render(pageList, results, 100);
        pageStatus.textContent = countText(results.length);
      });
    }
  }
})(this);
