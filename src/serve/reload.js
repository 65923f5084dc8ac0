// craftpub serve: live reload and the error overlay. Injected by `craftpub
// serve` only, never part of a build. The events come from
// /__craftpub/events:
//   hello  {build, failed, problems}  on (re)connection
//   reload {build, changed}           a new site is served; changed = paths or null (all)
//   errors {build, problems}          the sources have errors; the last good site stays up
// A browser allows only six HTTP/1.1 connections per host, so open tabs
// share one event stream through a SharedWorker (/__craftpub/worker.js);
// without SharedWorker, each page opens its own.
(function () {
  'use strict';
  var me = document.currentScript;
  var build = me ? me.getAttribute('data-build') : '';
  var missing = me ? me.hasAttribute('data-missing') : false;
  var here = location.pathname;
  if (here.slice(-1) === '/') here += 'index.html';
  var live = (window.__craftpub = { connected: false });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function hide() {
    var old = document.getElementById('craftpub-overlay');
    if (old) old.remove();
  }

  function show(problems) {
    hide();
    var errors = problems.filter(function (p) { return p.severity === 'error'; }).length;
    var box = el('div', 'craftpub-box');
    var title = el('p', 'craftpub-title');
    title.id = 'craftpub-overlay-title';
    title.appendChild(el('strong', '', 'craftpub serve'));
    title.appendChild(document.createTextNode(': the sources have ' + errors +
      ' error(s). This page shows the last good build until they are fixed.'));
    box.appendChild(title);
    var list = el('ol');
    problems.forEach(function (p) {
      var li = el('li', p.severity);
      li.appendChild(el('span', 'craftpub-sev', p.severity));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('code', 'craftpub-at', p.file + (p.line > 0 ? ':' + p.line : '')));
      li.appendChild(el('p', 'craftpub-msg', p.message));
      if (p.fix) li.appendChild(el('p', 'craftpub-fix', 'fix: ' + p.fix));
      list.appendChild(li);
    });
    box.appendChild(list);
    box.appendChild(el('p', 'craftpub-hint', 'Fix the file and save it: this page reloads by itself.'));
    var overlay = el('div');
    overlay.id = 'craftpub-overlay';
    overlay.setAttribute('role', 'alertdialog');
    overlay.setAttribute('aria-labelledby', 'craftpub-overlay-title');
    overlay.setAttribute('lang', 'en');
    overlay.setAttribute('dir', 'ltr');
    overlay.appendChild(box);
    document.body.appendChild(overlay);
  }

  // The site paths of this page and of what it loaded (styles, scripts,
  // images, and whatever it fetched since, such as a search index).
  function used() {
    var paths = {};
    paths[here] = true;
    function add(u) {
      try {
        var url = new URL(u, location.href);
        if (url.origin !== location.origin) return;
        var p = url.pathname;
        paths[p.slice(-1) === '/' ? p + 'index.html' : p] = true;
      } catch (e) { /* not a URL */ }
    }
    if (window.performance && performance.getEntriesByType) {
      performance.getEntriesByType('resource').forEach(function (e) { add(e.name); });
    }
    document.querySelectorAll('link[rel~="stylesheet"], script[src], img[src]').forEach(function (e) {
      add(e.getAttribute('href') || e.getAttribute('src'));
    });
    return paths;
  }

  function affects(changed) {
    if (!changed || missing || document.getElementById('craftpub-overlay')) return true;
    var paths = used();
    return changed.some(function (p) { return paths[p]; });
  }

  function handle(name, s) {
    if (name === 'hello') {
      live.connected = true;
      if (s.build !== build) { location.reload(); return; }
      if (s.failed) show(s.problems); else hide();
    } else if (name === 'reload') {
      if (s.build === build) return;
      if (affects(s.changed)) location.reload(); else build = s.build;
    } else if (name === 'errors') {
      show(s.problems);
    }
  }

  if (window.SharedWorker) {
    try {
      var worker = new SharedWorker('/__craftpub/worker.js', { name: 'craftpub-serve' });
      worker.port.onmessage = function (e) { handle(e.data.name, JSON.parse(e.data.data)); };
      worker.port.start();
      window.addEventListener('pagehide', function () { worker.port.postMessage('bye'); });
      window.addEventListener('pageshow', function (e) { if (e.persisted) location.reload(); });
      return;
    } catch (e) { /* fall back to a stream of our own */ }
  }
  if (!window.EventSource) return;
  var source = new EventSource('/__craftpub/events');
  ['hello', 'reload', 'errors'].forEach(function (name) {
    source.addEventListener(name, function (e) { handle(name, JSON.parse(e.data)); });
  });
})();
