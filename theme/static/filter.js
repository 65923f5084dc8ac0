// craftpub: the filter of a role page (<lang>/<version>/for-<role>.html) and
// of a diff page (<lang>/diff/<from>-<to>.html). Without this script the page
// filters in place with CSS (:has); with it, the choice is read from and
// written to the address (?role=&commodity=&oecd=, so a filtered view can be
// linked), what is shown is counted, and empty groups are hidden.
(function () {
  'use strict';
  var form = document.querySelector('form.flt');
  if (!form) return;
  var items = document.querySelectorAll('.groups .r');
  var count = form.querySelector('.flt-count');
  var none = document.querySelector('.flt-none');
  // Each field, and the class prefix of the entries it keeps.
  var PREFIX = { role: 'a-', commodity: 'c-', oecd: 'o-' };
  var names = Object.keys(PREFIX).filter(function (n) { return form.querySelector('input[name="' + n + '"]'); });
  function value(name) {
    var c = form.querySelector('input[name="' + name + '"]:checked');
    return c ? c.value : '';
  }
  function apply(write) {
    var chosen = names.map(function (n) { return [n, value(n)]; });
    var shown = 0;
    items.forEach(function (li) {
      var cl = li.classList;
      var ok = chosen.every(function (x) {
        return !x[1] || cl.contains(PREFIX[x[0]] + x[1]) || (x[0] === 'commodity' && cl.contains('c-any'));
      });
      li.hidden = !ok;
      if (ok) shown++;
    });
    document.querySelectorAll('.groups .tf').forEach(function (g) {
      g.hidden = !g.querySelector('.r:not([hidden])');
    });
    if (none) none.hidden = shown > 0;
    count.textContent = shown + ' ' + count.getAttribute('data-label');
    if (!write) return;
    var q = new URLSearchParams();
    chosen.forEach(function (x) { if (x[1]) q.set(x[0], x[1]); });
    var s = q.toString();
    try {
      history.replaceState(null, '', (s ? '?' + s : location.pathname.split('/').pop()) + location.hash);
    } catch (e) { /* file:// may refuse; the filter still works */ }
  }
  var params = new URLSearchParams(location.search);
  names.forEach(function (name) {
    var v = params.get(name);
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
      if (v !== null && input.value === v) input.checked = true;
    });
  });
  form.addEventListener('change', function () { apply(true); });
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(true); });
  apply(false);
})();
