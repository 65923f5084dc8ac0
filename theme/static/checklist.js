// craftpub: an edition's self-assessment checklist (<lang>/<version>/checklist.html).
// Without this script the page is a printable form. With it: the roles and
// commodities chosen keep only the requirements that apply; answers are kept
// in localStorage (one entry per edition) and never sent; they export and
// import as JSON (validated against the page's copy of the published
// `assessment` schema before anything changes) and CSV; an assessment of an
// earlier version is carried over along each requirement's lineage.
// Imported text is only ever set as text (value, textContent), never as HTML.
(function () {
  'use strict';
  var form = document.getElementById('checklist');
  var dataEl = document.getElementById('checklist-data');
  if (!form || !dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var msgs = document.getElementById('cl-msgs').dataset;
  var MAX_BYTES = 1000000;
  var KEY_PREFIX = 'craftpub-checklist:' + data.standard + ':';
  var key = KEY_PREFIX + data.version + ':' + data.lang;
  var msgEl = document.getElementById('msg');
  var items = Array.prototype.slice.call(form.querySelectorAll('fieldset.item'));
  // The statuses' labels in the page's language, from the first entry's boxes.
  var labels = {};
  if (items[0]) items[0].querySelectorAll('.st label').forEach(function (l) {
    labels[l.previousElementSibling.value] = l.textContent;
  });

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function say(text) { msgEl.textContent = text; }
  function empty() { return { roles: [], commodities: [], answers: {}, removed: [] }; }
  function read(k) {
    try {
      var s = JSON.parse(localStorage.getItem(k) || 'null');
      if (s && typeof s === 'object' && s.answers && typeof s.answers === 'object') {
        s.roles = Array.isArray(s.roles) ? s.roles : [];
        s.commodities = Array.isArray(s.commodities) ? s.commodities : [];
        s.removed = Array.isArray(s.removed) ? s.removed : [];
        return s;
      }
    } catch (e) { /* unreadable: start afresh */ }
    return null;
  }
  var state = read(key) || empty();
  function save() {
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* storage full or off */ }
  }

  // --- The page from the state, and the state from the page. ---
  function applies(el) {
    var roles = el.dataset.roles.split(' ');
    var comms = el.dataset.commodities ? el.dataset.commodities.split(' ') : [];
    var roleOk = !state.roles.length || roles.some(function (r) { return state.roles.indexOf(r) >= 0; });
    var commOk = !state.commodities.length || !comms.length ||
      comms.some(function (c) { return state.commodities.indexOf(c) >= 0; });
    return roleOk && commOk;
  }
  function render() {
    form.querySelectorAll('input[name=role]').forEach(function (i) { i.checked = state.roles.indexOf(i.value) >= 0; });
    form.querySelectorAll('input[name=commodity]').forEach(function (i) { i.checked = state.commodities.indexOf(i.value) >= 0; });
    var counts = { met: 0, progress: 0, na: 0, open: 0, total: 0 };
    items.forEach(function (el) {
      var id = el.dataset.id, a = state.answers[id] || {};
      el.querySelectorAll('input[type=radio]').forEach(function (r) { r.checked = r.value === a.status; });
      el.querySelector('textarea').value = a.note || '';
      var flag = el.querySelector('.flag');
      flag.hidden = !a.changed_since;
      flag.querySelector('.flag-from').textContent = a.changed_since ? '(' + a.changed_since + ')' : '';
      var diffShown = false;
      el.querySelectorAll('.since').forEach(function (s) {
        s.hidden = s.dataset.from !== a.changed_since;
        diffShown = diffShown || !s.hidden;
      });
      var further = el.querySelector('.since-any');
      if (further) further.hidden = !a.changed_since || diffShown;
      el.hidden = !applies(el);
      if (el.hidden) return;
      counts.total++;
      if (a.status === 'met') counts.met++;
      else if (a.status === 'in-progress') counts.progress++;
      else if (a.status === 'not-applicable') counts.na++;
      else counts.open++;
    });
    form.querySelectorAll('.cl-chapter').forEach(function (c) { c.hidden = !c.querySelector('fieldset.item:not([hidden])'); });
    form.querySelector('.cl-none').hidden = counts.total > 0;
    document.getElementById('progress').textContent = fill(form.dataset.progress, counts);
    var removed = document.getElementById('removed');
    var list = removed.querySelector('ul');
    list.textContent = '';
    state.removed.forEach(function (r) {
      var li = document.createElement('li');
      li.textContent = r.id + ' ' + (r.title || '') + ' (' + r.from + '): ' +
        (labels[r.status] || r.status || '') + (r.note ? ' · ' + r.note : '');
      list.appendChild(li);
    });
    removed.hidden = !state.removed.length;
  }
  form.addEventListener('change', function (e) {
    var t = e.target;
    if (t.name === 'role' || t.name === 'commodity') {
      var list = state[t.name === 'role' ? 'roles' : 'commodities'];
      var at = list.indexOf(t.value);
      if (t.checked && at < 0) list.push(t.value);
      if (!t.checked && at >= 0) list.splice(at, 1);
    } else if (t.type === 'radio') {
      var item = t.closest('fieldset.item');
      var a = state.answers[item.dataset.id] || (state.answers[item.dataset.id] = { note: '' });
      a.status = t.value;
      delete a.changed_since; // answered again for this version
    } else return;
    save();
    render();
  });
  var notePattern = new RegExp(data.schema.$defs.Answer.properties.note.pattern, 'u');
  form.addEventListener('input', function (e) {
    var t = e.target;
    if (t.tagName !== 'TEXTAREA') return;
    // A note is plain text; one that looks like markup is not kept (it
    // could not be imported back).
    var plain = notePattern.test(t.value);
    t.setCustomValidity(plain ? '' : msgs.markup);
    t.setAttribute('aria-invalid', String(!plain));
    if (!plain) { say(msgs.markup); return; }
    var id = t.closest('fieldset.item').dataset.id;
    var a = state.answers[id] || (state.answers[id] = {});
    a.note = t.value;
    save();
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); });

  // --- Export. ---
  function assessment() {
    var answers = [];
    data.ids.forEach(function (id) {
      var a = state.answers[id];
      if (!a || (!a.status && !a.note)) return;
      var out = { id: id, status: a.status || 'not-started', note: a.note || '' };
      if (a.changed_since) out.changed_since = a.changed_since;
      answers.push(out);
    });
    return {
      $schema: data.schema_id, format_version: data.format_version, standard: data.standard,
      version: data.version, lang: data.lang, saved: new Date().toISOString(),
      roles: state.roles.slice(), commodities: state.commodities.slice(), answers: answers,
    };
  }
  var FORMULA = /^'*[=+\-@\t\r]/;
  function csvCell(s) { return '"' + String(s).replace(/"/g, '""') + '"'; }
  function toCsv(a) {
    var rows = [data.csv.join(',')];
    a.answers.forEach(function (x) {
      var note = FORMULA.test(x.note) ? "'" + x.note : x.note; // not a formula in a spreadsheet
      rows.push([a.standard, a.version, a.lang, a.roles.join(' '), a.commodities.join(' '), x.id, x.status, note]
        .map(csvCell).join(','));
    });
    return rows.join('\r\n') + '\r\n';
  }
  function download(text, type, ext) {
    var blob = new Blob([text], { type: type });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'assessment-' + data.lang + '-' + data.version + '.' + ext;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  // --- Import: read, parse, validate, check, and only then change. ---
  function parseCsv(text) {
    var rows = [], row = [], cell = '', i = 0, quoted = false;
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    for (; i < text.length; i++) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
      } else if (ch === '"' && cell === '') quoted = true;
      else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        row.push(cell); rows.push(row); row = []; cell = '';
      } else cell += ch;
    }
    if (quoted) return null;
    if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }
  function fromCsv(rows) {
    if (!rows || !rows.length || rows[0].join(',') !== data.csv.join(',')) return null;
    var body = rows.slice(1).filter(function (r) { return r.join('') !== ''; });
    var first = body[0] || [];
    var words = function (s) { return s ? s.split(' ') : []; };
    var out = {
      $schema: data.schema_id, format_version: data.format_version, standard: first[0] || '',
      version: first[1] || '', lang: first[2] || '', saved: '', roles: words(first[3]),
      commodities: words(first[4]), answers: [],
    };
    for (var i = 0; i < body.length; i++) {
      var r = body[i];
      if (r.length !== data.csv.length || r[0] !== out.standard || r[1] !== out.version) return { invalid: 'row ' + (i + 2) };
      var note = /^'+[=+\-@\t\r]/.test(r[7]) ? r[7].slice(1) : r[7];
      out.answers.push({ id: r[5], status: r[6], note: note });
    }
    return out;
  }
  function is(type, v) {
    switch (type) {
      case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
      case 'array': return Array.isArray(v);
      case 'string': return typeof v === 'string';
      case 'integer': return typeof v === 'number' && Math.floor(v) === v;
      case 'number': return typeof v === 'number';
      case 'boolean': return typeof v === 'boolean';
      case 'null': return v === null;
    }
    return false;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  // The draft 2020-12 keywords the assessment schema uses; errors as "path: why".
  function validate(s, v, path, errs) {
    if (errs.length > 3 || s === true) return;
    if (s === false) { errs.push(path + ': not allowed'); return; }
    if (s.$ref) {
      var target = s.$ref.replace(/^#\/?/, '').split('/').filter(Boolean).reduce(function (o, k) {
        return o && o[k.replace(/~1/g, '/').replace(/~0/g, '~')];
      }, data.schema);
      if (!target) { errs.push(path + ': unknown reference'); return; }
      validate(target, v, path, errs);
    }
    if (s.type && ![].concat(s.type).some(function (t) { return is(t, v); })) {
      errs.push(path + ': not ' + [].concat(s.type).join(' or '));
      return;
    }
    if (has(s, 'const') && !same(s.const, v)) errs.push(path + ': not ' + JSON.stringify(s.const));
    if (s.enum && !s.enum.some(function (e) { return same(e, v); })) errs.push(path + ': not one of ' + s.enum.join(', '));
    ['anyOf', 'oneOf'].forEach(function (k) {
      if (!s[k]) return;
      var ok = s[k].filter(function (sub) { var e = []; validate(sub, v, path, e); return !e.length; }).length;
      if (k === 'anyOf' ? ok < 1 : ok !== 1) errs.push(path + ': matches none of the allowed forms');
    });
    (s.allOf || []).forEach(function (sub) { validate(sub, v, path, errs); });
    if (typeof v === 'string') {
      var n = Array.from(v).length;
      if (s.maxLength !== undefined && n > s.maxLength) errs.push(path + ': longer than ' + s.maxLength);
      if (s.minLength !== undefined && n < s.minLength) errs.push(path + ': shorter than ' + s.minLength);
      if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) errs.push(path + (/\/note$/.test(path) ? ': ' + msgs.markup : ': malformed'));
    }
    if (Array.isArray(v)) {
      if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(path + ': more than ' + s.maxItems + ' items');
      if (s.minItems !== undefined && v.length < s.minItems) errs.push(path + ': fewer than ' + s.minItems + ' items');
      if (s.items) v.forEach(function (x, i) { validate(s.items, x, path + '/' + i, errs); });
    }
    if (is('object', v)) {
      (s.required || []).forEach(function (k) { if (!has(v, k)) errs.push(path + '/' + k + ': missing'); });
      Object.keys(v).forEach(function (k) {
        if (s.properties && has(s.properties, k)) validate(s.properties[k], v[k], path + '/' + k, errs);
        else if (s.additionalProperties !== undefined) validate(s.additionalProperties, v[k], path + '/' + k, errs);
      });
    }
  }
  // The state an assessment leads to, or a message saying why it cannot.
  function adopt(a) {
    var errs = [];
    validate(data.schema, a, '', errs);
    if (errs.length) return { error: fill(msgs.invalid, { error: errs.slice(0, 3).join('; ') }) };
    if (a.standard !== data.standard) return { error: fill(msgs.standard, { standard: a.standard }) };
    var carry = a.version !== data.version && has(data.carry, a.version) ? data.carry[a.version] : null;
    if (a.version !== data.version && !carry) return { error: fill(msgs.version, { version: a.version }) };
    // The IDs the assessed version had: this version's but those added
    // since, and those that changed on the way.
    var known = function (id) {
      if (!carry) return data.ids.indexOf(id) >= 0;
      return has(carry.steps, id) || (data.ids.indexOf(id) >= 0 && carry.added.indexOf(id) < 0);
    };
    var unknown = a.answers.map(function (x) { return x.id; }).filter(function (id) { return !known(id); });
    if (unknown.length) return { error: fill(msgs.ids, { version: a.version, ids: unknown.slice(0, 5).join(', ') }) };
    var next = { roles: a.roles.slice(), commodities: a.commodities.slice(), answers: {}, removed: [] };
    var n = { n: 0, from: a.version, changed: 0, moved: 0, removed: 0 };
    a.answers.forEach(function (x) {
      // A step: "m" modified, ["r", new ID, 0|1 changed] renumbered, ["x", title] removed.
      var raw = carry && has(carry.steps, x.id) ? carry.steps[x.id] : null;
      var step = !raw ? null : raw === 'm' ? { c: 'modified', to: x.id, changed: true }
        : raw[0] === 'r' ? { c: 'renumbered', to: raw[1], changed: raw[2] === 1 } : { c: 'removed', title: raw[1] };
      var answer = { status: x.status, note: x.note };
      if (x.changed_since) answer.changed_since = x.changed_since;
      if (step && step.c === 'removed') {
        next.removed.push({ id: x.id, title: step.title, status: x.status, note: x.note, from: a.version });
        n.removed++;
        return;
      }
      var to = step ? step.to : x.id;
      if (step && step.changed) { answer.changed_since = a.version; n.changed++; }
      if (step && step.c === 'renumbered') n.moved++;
      if (data.ids.indexOf(to) < 0) return;
      next.answers[to] = answer;
      n.n++;
    });
    return { state: next, message: carry ? fill(msgs.carried, n) : fill(msgs.imported, n) };
  }
  function use(result) {
    if (result.error) { say(result.error); return; }
    state = result.state;
    save();
    render();
    say(result.message);
  }
  function importText(text) {
    var trimmed = text.replace(/^\ufeff/, '').trim();
    var a;
    if (trimmed.charAt(0) === '{') {
      try { a = JSON.parse(trimmed); } catch (e) { say(fill(msgs.invalid, { error: 'JSON: ' + e.message })); return; }
    } else {
      a = fromCsv(parseCsv(text));
      if (!a) { say(msgs.notData); return; }
      if (a.invalid) { say(fill(msgs.invalid, { error: a.invalid })); return; }
    }
    use(adopt(a));
  }
  document.getElementById('import').addEventListener('change', function (e) {
    var file = e.target.files && e.target.files[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > MAX_BYTES) { say(msgs.tooBig); return; }
    var reader = new FileReader();
    reader.onload = function () {
      if (typeof reader.result !== 'string' || reader.result.indexOf('\u0000') >= 0) { say(msgs.notData); return; }
      importText(reader.result);
    };
    reader.onerror = function () { say(msgs.unreadable); };
    reader.readAsText(file);
  });

  // --- Buttons. ---
  var offer = document.getElementById('offer');
  form.addEventListener('click', function (e) {
    var act = e.target.dataset && e.target.dataset.act;
    if (act === 'json') download(JSON.stringify(assessment(), null, 2) + '\n', 'application/json', 'json');
    else if (act === 'csv') download(toCsv(assessment()), 'text/csv', 'csv');
    else if (act === 'clear') { state = empty(); save(); render(); say(msgs.cleared); }
    else if (act === 'carry') {
      var from = offer.dataset.from, old = read(KEY_PREFIX + from + ':' + data.lang);
      if (!old) return;
      var a = assessment.call(null);
      a.version = from;
      a.roles = old.roles;
      a.commodities = old.commodities;
      a.answers = Object.keys(old.answers).filter(function (id) { return old.answers[id].status || old.answers[id].note; })
        .map(function (id) {
          var x = old.answers[id], out = { id: id, status: x.status || 'not-started', note: x.note || '' };
          if (x.changed_since) out.changed_since = x.changed_since;
          return out;
        });
      offer.hidden = true;
      use(adopt(a));
    }
  });
  // Opening the checklist of a new version: offer the answers kept for an earlier one.
  if (!Object.keys(state.answers).length) {
    var earlier = Object.keys(data.carry).filter(function (v) { return read(KEY_PREFIX + v + ':' + data.lang); });
    if (earlier.length) {
      var from = earlier[earlier.length - 1];
      offer.dataset.from = from;
      offer.querySelector('button').textContent = fill(msgs.offer, { from: from });
      offer.hidden = false;
    }
  }
  document.querySelectorAll('.js-only').forEach(function (el) { el.hidden = false; });
  render();
  // For tests and programs in the page: what the checklist holds.
  window.craftpubChecklist = { state: function () { return JSON.parse(JSON.stringify(state)); }, assessment: assessment, importText: importText };
})();
