/* Feature page: draws the panels from the page's data, then token tooltips (hover and keyboard focus)
   and the random-feature link. The data (<script type="application/json" id="data">) is a JSON string:
   base 91 of raw-deflated bytes, the format of docs/site.md ("Page data"), written by PageData.java.
   Token strings and the site's facts come from ../vocab.js (atlasVocab, atlasSite). Everything is built
   with textContent and DOM calls. */
(function () {
  'use strict';
  var blob = document.getElementById('data');
  var grid = document.getElementById('grid');
  var random = document.getElementById('random');
  var site = window.atlasSite || {};
  var index = grid ? Number(grid.getAttribute('data-index')) : 0;
  var first = Number(site.first || 0);
  var end = Number(site.end || 0);
  if (random && grid && end - first > 1) {
    random.addEventListener('click', function (e) {
      var r = first + Math.floor(Math.random() * (end - first - 1));
      if (r >= index) { r += 1; }
      e.preventDefault();
      window.location.href = r + '.html';
    });
  }

  /* The parts of the page that are the same on every feature page: the header's search form (search
     needs JavaScript anyway), the tooltip and the footer. */
  function part(name, attrs, parent, before) {
    var x = document.createElement(name);
    Object.keys(attrs).forEach(function (k) { x.setAttribute(k, attrs[k]); });
    if (parent) { parent.insertBefore(x, before || null); }
    return x;
  }
  var header = document.querySelector('header.top');
  if (header) {
    var form = part('form', { 'class': 'find', action: '../search.html', method: 'get', role: 'search' }, header);
    part('input', { type: 'search', name: 'q', 'aria-label': 'Search features by id, token or note',
      placeholder: 'Search features' }, form);
    part('button', { type: 'submit' }, form).textContent = 'Search';
  }
  var main = document.getElementById('main');
  if (main && site.footer !== undefined) {
    part('p', {}, part('footer', {}, document.body, main.nextSibling)).textContent = site.footer;
  }
  var tip = main ? part('div', { id: 'tip', role: 'tooltip', hidden: '' }, main) : null;
  if (!blob || !grid || !tip) { return; }
  var vocab = window.atlasVocab || [];
  var SVG = 'http://www.w3.org/2000/svg';

  function tokenText(id) {
    var s = vocab[id];
    return s === undefined ? '\u27E8id ' + id + '\u27E9' : s;
  }

  /* ---- Reading the bytes ---- */
  function Reader(bytes, start, end) { this.b = bytes; this.p = start; this.end = end; }
  Reader.prototype.byte = function () {
    if (this.p >= this.end) { throw new Error('page data: a section ends early'); }
    return this.b[this.p++];
  };
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, x;
    do { x = this.byte(); v += (x & 127) * mul; mul *= 128; } while (x & 128);
    return v;
  };
  Reader.prototype.id = function (width) {
    var v = 0;
    for (var k = 0; k < width; k++) { v = v * 256 + this.byte(); }
    return v;
  };
  /* A number as the page shows it: {z: 0 zero, 1 not finite, 2 finite; neg, u (100..999), e}. */
  Reader.prototype.dec = function () { return fromZ(this.varint()); };

  function fromZ(z) {
    if (z === 0) { return { k: 0, neg: false, u: 0, e: 0 }; }
    if (z === 1) { return { k: 1, neg: false, u: 0, e: 0 }; }
    var neg = (z - 2) % 2 === 1;
    var zz = Math.floor((z - 2) / 2);
    var s = zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
    var a = ((s % 900) + 900) % 900;
    return { k: 2, neg: neg, u: a + 100, e: (s - a) / 900 - 2 };
  }
  function fromMono(m) {
    if (m === 0) { return { k: 0, neg: false, u: 0, e: 0 }; }
    var a = Math.abs(m) - 1;
    return { k: 2, neg: m < 0, u: a % 900 + 100, e: Math.floor(a / 900) - 330 };
  }
  function mono(d) {
    if (d.k !== 2) { return 0; }
    var m = (d.e + 330) * 900 + (d.u - 100) + 1;
    return d.neg ? -m : m;
  }
  /* The double nearest the decimal: the same parse as Java's Double.parseDouble. */
  function value(d) {
    if (d.k !== 2) { return 0; }
    var a = Number(d.u + 'e' + d.e);
    return d.neg ? -a : a;
  }
  /* A prediction rounded half away from zero to 3 digits, as Dec3.ofPrediction. */
  function round3(p) {
    if (!isFinite(p) || p === 0) { return { k: 0, neg: false, u: 0, e: 0 }; }
    var s = Math.abs(p).toExponential(2);
    var at = s.indexOf('e');
    return { k: 2, neg: p < 0, u: Number(s.slice(0, at).replace('.', '')), e: Number(s.slice(at + 1)) - 2 };
  }
  /* The text Num.sig(v, 3) gives: plain for 1e-4 <= |v| < 1e6, else "1.23e-5"; "–" when not finite. */
  function sig(d) {
    if (d.k === 1) { return '\u2013'; }
    if (d.k === 0) { return '0'; }
    var digits = String(d.u), e = d.e;
    while (digits.length > 1 && digits.charAt(digits.length - 1) === '0') { digits = digits.slice(0, -1); e += 1; }
    var lead = e + digits.length - 1;
    var out;
    if (lead >= -4 && lead < 6) {
      if (e >= 0) {
        out = digits + '0'.repeat(e);
      } else {
        var point = digits.length + e;
        out = point > 0 ? digits.slice(0, point) + '.' + digits.slice(point) : '0.' + '0'.repeat(-point) + digits;
      }
    } else {
      out = digits.charAt(0) + (digits.length > 1 ? '.' + digits.slice(1) : '') + 'e' + lead;
    }
    return (d.neg ? '-' : '') + out;
  }
  function percent(d) { return sig(d) + '%'; }

  /* The tooltip's number format. */
  function fmt(v) {
    if (v === null || v === undefined) { return 'n/a'; }
    if (v === 0) { return '0'; }
    var a = Math.abs(v);
    var s = (a >= 1e-3 && a < 1e5) ? String(Number(v.toPrecision(3))) : v.toExponential(2);
    return v > 0 ? '+' + s : s.replace('-', '\u2212');
  }

  function decode(bytes) {
    if (bytes[0] !== 1) { throw new Error('page data: unknown version ' + bytes[0]); }
    var width = bytes[1] === 1 ? 3 : 2;
    var at = { p: 2 };
    function section() {
      var r = new Reader(bytes, at.p, bytes.length);
      var n = r.varint();
      at.p = r.p + n;
      return new Reader(bytes, r.p, r.p + n);
    }
    var meta = section(), tok = section(), cls = section(), row = section(), num = section(), lp = section(),
      ids = section();
    var f = { density: meta.dec(), max: meta.dec(), mean: meta.dec() };
    f.actHist = histogram(meta, false);
    f.logitHist = histogram(meta, true);
    var nTop = meta.varint(), nBottom = meta.varint();
    f.top = []; f.bottom = [];
    for (var k = 0; k < nTop + nBottom; k++) {
      var v = meta.dec();
      (k < nTop ? f.top : f.bottom).push({ v: v, shade: meta.byte(), id: ids.id(width) });
    }
    f.tables = [];
    var nTables = meta.varint();
    for (var t = 0; t < nTables; t++) {
      var rows = [];
      for (var n = meta.varint(); n > 0; n--) { rows.push({ unit: meta.varint(), a: meta.dec(), b: meta.dec() }); }
      f.tables.push(rows);
    }
    var lTop = f.top.slice(0, 5).map(function (x) { return value(x.v); });
    var lBottom = f.bottom.slice(0, 5).map(function (x) { return value(x.v); });
    var dTop = f.top.slice(0, 5).map(function (x) { return x.id; });
    var dBottom = f.bottom.slice(0, 5).map(function (x) { return x.id; });
    f.groups = [];
    for (var g = meta.varint(); g > 0; g--) {
      var group = { interval: meta.byte() === 1, examples: [] };
      if (group.interval) { group.lo = meta.dec(); group.hi = meta.dec(); group.fraction = meta.dec(); }
      for (var e = meta.varint(); e > 0; e--) {
        var ex = { seq: meta.varint(), start: meta.varint(), tokens: [] };
        var len = meta.varint(), c = meta.varint();
        ex.centre = Math.floor(c / 2) - 1;
        var label = c % 2 === 1 ? meta.dec() : null;
        for (var q = 0; q < len; q++) {
          ex.tokens.push(token(tok, cls, row, num, lp, ids, width, ex.start + q, lTop, lBottom, dTop, dBottom));
        }
        ex.label = label !== null ? label : ex.tokens[ex.centre].act;
        group.examples.push(ex);
      }
      f.groups.push(group);
    }
    /* Similar features (absent from pages of format-1 data): features as zigzag differences from the previous row. */
    f.similar = [];
    for (var st = meta.p < meta.end ? meta.varint() : 0; st > 0; st--) {
      var srows = [], prev = index;
      for (var sn = meta.varint(); sn > 0; sn--) { prev += unzig(meta.varint()); srows.push({ unit: prev, a: meta.dec() }); }
      f.similar.push(srows);
    }
    classes(f);
    return f;
  }

  /* Shading classes: predicted from the shown activation and loss effect (PageData.predictedClass),
     corrected by the stored difference. */
  function classes(f) {
    var maxAct = value(f.max), maxLoss = 0;
    f.groups.forEach(function (g) { g.examples.forEach(function (ex) { ex.tokens.forEach(function (t) {
      if (t.loss !== null) { maxLoss = Math.max(maxLoss, Math.abs(t.loss)); }
    }); }); });
    f.groups.forEach(function (g) { g.examples.forEach(function (ex) { ex.tokens.forEach(function (t) {
      var a = value(t.act), loss = t.loss === null ? 0 : t.loss, shade = 0, under = 0;
      if (a > 0 && maxAct > 0) { shade = Math.min(10, Math.max(1, Math.ceil(10 * a / maxAct))); }
      if (loss !== 0 && maxLoss > 0) {
        under = Math.min(3, Math.max(1, Math.ceil(3 * Math.abs(loss) / maxLoss)));
        if (loss < 0) { under = -under; }
      }
      var c = (shade * 7 + under + 3 + t.fix) % 77;
      shade = Math.floor(c / 7); under = c % 7 - 3;
      t.cls = [];
      if (shade > 0) { t.cls.push('a' + shade); }
      if (under !== 0) { t.cls.push((under > 0 ? 'p' : 'n') + Math.abs(under)); }
    }); }); });
  }

  function histogram(meta, signed) {
    var n = meta.varint();
    if (n === 0) { return null; }
    var h = { counts: [], neg: [] };
    for (var i = 0; i < n; i++) { h.counts.push(meta.varint()); }
    h.lo = meta.dec(); h.hi = meta.dec();
    for (i = 0; i < n; i++) { h.neg.push(signed ? meta.byte() === 1 : false); }
    h.signed = signed;
    return h;
  }

  function token(tok, cls, row, num, lp, ids, width, pos, lTop, lBottom, dTop, dBottom) {
    var t = { id: tok.id(width), fix: cls.byte() };
    var flags = row.byte();
    t.act = flags & 1 ? num.dec() : fromZ(0);
    var lossState = (flags >> 1) & 3;
    t.loss = lossState === 0 ? (pos === 0 ? null : 0) : lossState === 2 ? null : value(num.dec());
    if (flags & 8) {
      var nt = lp.varint(), nb = lp.varint();
      var custom = (flags & 16) !== 0;
      var topIds = [], bottomIds = [];
      if (custom) {
        for (var j = 0; j < nt; j++) { topIds.push(ids.id(width)); }
        for (j = 0; j < nb; j++) { bottomIds.push(ids.id(width)); }
      }
      var vals = predicted(lp, value(t.act), nt, nb, custom ? [] : lTop, custom ? [] : lBottom);
      t.lp = { top: vals[0], bottom: vals[1], topIds: custom ? topIds : dTop, bottomIds: custom ? bottomIds : dBottom };
    }
    return t;
  }

  /* The inverse of PageData.predictAndWrite: the same predictions, in the same double arithmetic. */
  function predicted(lp, act, nt, nb, lt, lb) {
    function next(prediction) { return value(fromMono(mono(round3(prediction)) + unzig(lp.varint()))); }
    var top = [], bottom = [];
    if (nt > 0) { top.push(next(lt.length > 0 ? act * lt[0] : 0)); }
    if (nb > 0) { bottom.push(next(lb.length > 0 ? act * lb[0] : 0)); }
    var t0 = nt > 0 ? top[0] : 0, b0 = nb > 0 ? bottom[0] : 0;
    var line = nt > 0 && nb > 0 && lt.length > 0 && lb.length > 0 && lt[0] - lb[0] !== 0;
    var k = line ? (t0 - b0) / (lt[0] - lb[0]) : 0;
    var c = line ? t0 - k * lt[0] : 0;
    for (var j = 1; j < nt; j++) { top.push(next(line && j < lt.length ? k * lt[j] + c : top[j - 1])); }
    for (j = 1; j < nb; j++) { bottom.push(next(line && j < lb.length ? k * lb[j] + c : bottom[j - 1])); }
    return [top, bottom];
  }
  function unzig(n) { return n % 2 === 0 ? n / 2 : -(n + 1) / 2; }

  /* ---- Drawing the panels (the markup the server-side templates used to write) ---- */
  function el(name, attrs, text) {
    var x = document.createElement(name);
    if (attrs) { Object.keys(attrs).forEach(function (k) { x.setAttribute(k, attrs[k]); }); }
    if (text !== undefined) { x.textContent = text; }
    return x;
  }
  function svg(name, attrs, text) {
    var x = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { x.setAttribute(k, attrs[k]); });
    if (text !== undefined) { x.textContent = text; }
    return x;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) { parent.appendChild(arguments[i]); }
    return parent;
  }

  /* A table of units or features; b null: two columns. link(unit): the href of the unit's page, or null (plain text). */
  function unitsTable(id, caption, unit, a, b, rows, bIsPercent, link) {
    var table = el('table', { 'class': 'units', id: id });
    add(table, el('caption', null, caption));
    var head = add(el('tr'), el('th', { scope: 'col' }, unit), el('th', { scope: 'col' }, a));
    if (b !== null) { add(head, el('th', { scope: 'col' }, b)); }
    add(table, add(el('thead'), head));
    var body = el('tbody');
    rows.forEach(function (r) {
      var href = link ? link(r.unit) : null;
      var tr = add(el('tr'), add(el('td'), href ? el('a', { href: href }, String(r.unit)) : document.createTextNode(String(r.unit))),
        el('td', null, sig(r.a)));
      if (b !== null) { add(tr, el('td', null, bIsPercent ? percent(r.b) : sig(r.b))); }
      add(body, tr);
    });
    if (!rows.length) { add(body, add(el('tr'), el('td', { colspan: b !== null ? '3' : '2' }, 'none'))); }
    return add(table, body);
  }

  /* Links to feature pages: this site's own features in [first, end); encoder B's on B's site (data-b-site on the
     grid: a relative path from the site root, checked by RenderOptions) when it was given, else plain text. */
  var bSite = grid.getAttribute('data-b-site');
  function ownPage(j) { return j >= first && j < end ? j + '.html' : null; }
  function bPage(j) { return bSite === null ? null : '../' + bSite + 'features/' + j + '.html'; }

  function logitsTable(id, caption, rows) {
    var table = el('table', { 'class': 'logits', id: id });
    add(table, el('caption', null, caption));
    add(table, add(el('thead'), add(el('tr'), el('th', { scope: 'col' }, 'Token'), el('th', { scope: 'col' }, 'Effect'))));
    var body = el('tbody');
    rows.forEach(function (r) {
      var cls = 'tok' + (r.shade > 0 ? ' ' + (r.v.neg ? 'ln' : 'lp') + r.shade : '');
      add(body, add(el('tr'), el('td', { 'class': cls }, tokenText(r.id)), el('td', null, sig(r.v))));
    });
    if (!rows.length) { add(body, add(el('tr'), el('td', { colspan: '2' }, 'none'))); }
    return add(table, body);
  }

  /* Num.coord: one decimal, no trailing ".0". */
  function coord(v) {
    var tenths = Math.round(v * 10);
    return tenths % 10 === 0 ? String(tenths / 10 + 0) : (tenths / 10).toFixed(1);
  }

  /* Histograms.of: one path per class (sorted), bars up, across and down, moved to by relative moves. */
  function histogramFigure(h, id, caption, label) {
    var fig = el('figure', { 'class': 'hist', id: id });
    var peak = 0;
    if (h) { h.counts.forEach(function (c) { if (c > peak) { peak = c; } }); }
    var paths = {}, pen = {};
    if (h && peak > 0) {
      var n = h.counts.length, w = 300 / n, barWidth = Math.max(w - 1, 0.5);
      for (var i = 0; i < n; i++) {
        var c = h.counts[i];
        if (c <= 0) { continue; }
        var height = Math.max(1, 80 * c / peak);
        var cls = h.signed ? (h.neg[i] ? 'n' : 'p') : 'b';
        var x = i * w;
        if (paths[cls] === undefined) { paths[cls] = 'M' + coord(x) + ' ' + coord(80); } else { paths[cls] += 'm' + coord(x - pen[cls]) + ' 0'; }
        paths[cls] += 'v' + coord(-height) + 'h' + coord(barWidth) + 'v' + coord(height);
        pen[cls] = x + barWidth;
      }
    }
    var classes = Object.keys(paths).sort();
    if (!classes.length) {
      add(fig, el('p', { 'class': 'none' }, 'No data.'));
    } else {
      var s = svg('svg', { viewBox: '0 -14 300 110', role: 'img', 'aria-label': label });
      classes.forEach(function (k) { add(s, svg('path', { 'class': k, d: paths[k] })); });
      add(s, svg('line', { x1: '0', y1: '80.5', x2: '300', y2: '80.5' }), svg('text', { x: '0', y: '94' }, sig(h.lo)),
        svg('text', { x: '300', y: '94', 'text-anchor': 'end' }, sig(h.hi)), svg('text', { x: '0', y: '-4' }, String(peak)));
      add(fig, s);
    }
    return add(fig, el('figcaption', null, caption));
  }

  var info = new Map();

  function draw(f) {
    var units = el('section', { 'class': 'col', id: 'units', 'aria-label': 'Neurons and features' });
    add(units, unitsTable('neuron-alignment', 'Neuron alignment', 'Neuron', 'Value', '% of L1', f.tables[0] || [], true));
    add(units, unitsTable('correlated-neurons', 'Correlated neurons', 'Neuron', 'Pearson', 'Cosine', f.tables[1] || [], false));
    if (f.tables.length > 2) {
      add(units, unitsTable('correlated-features-b', 'Correlated features (encoder B)', 'Feature', 'Pearson', 'Cosine',
        f.tables[2], false, bPage));
    }
    if (f.similar.length > 0) {
      add(units, unitsTable('similar-features', 'Similar features (decoder cosine)', 'Feature', 'Cosine', null,
        f.similar[0], false, ownPage));
    }
    if (f.similar.length > 1) {
      add(units, unitsTable('similar-features-b', 'Similar features of encoder B (decoder cosine)', 'Feature', 'Cosine', null,
        f.similar[1], false, bPage));
    }
    var effects = el('section', { 'class': 'col', id: 'effects', 'aria-label': 'Activations and logits' });
    add(effects, el('h2', { id: 'density' }, 'Activation density ' + percent(f.density)),
      el('p', { 'class': 'stats' }, 'max ' + sig(f.max) + ' \u00B7 mean (active) ' + sig(f.mean)),
      histogramFigure(f.actHist, 'act-histogram', 'Activations (active positions)', 'Activation histogram of feature ' + index),
      logitsTable('bottom-logits', 'Negative logits', f.bottom),
      logitsTable('top-logits', 'Positive logits', f.top),
      histogramFigure(f.logitHist, 'logit-histogram', 'Logit effect over the vocabulary',
        'Histogram of the logit effect of feature ' + index + ' over the vocabulary'));
    var examples = el('section', { 'class': 'col', id: 'examples', 'aria-label': 'Examples' });
    var n = 0;
    f.groups.forEach(function (g) {
      var section = el('section', { 'class': 'group', id: g.interval ? 'interval-' + n++ : 'top' });
      var h3 = el('h3', null, g.interval ? 'Interval ' + sig(g.lo) + ' \u2013 ' + sig(g.hi) : 'Top activations');
      if (g.interval) { add(h3, document.createTextNode(' '), el('small', null, percent(g.fraction) + ' of positions')); }
      add(section, h3);
      g.examples.forEach(function (ex) {
        var div = add(el('div', { 'class': 'ex' }), el('small', null, sig(ex.label)));
        ex.tokens.forEach(function (t, q) {
          var names = q === ex.centre ? t.cls.concat(['c']) : t.cls;
          var i = el('i', names.length ? { 'class': names.join(' ') } : null, tokenText(t.id));
          i.tabIndex = 0;
          info.set(i, { seq: ex.seq, pos: ex.start + q, act: value(t.act), loss: t.loss, lp: t.lp || null });
          add(div, i);
        });
        add(section, div);
      });
      if (!g.examples.length) { add(section, el('p', { 'class': 'none' }, 'No examples.')); }
      add(examples, section);
    });
    grid.textContent = '';
    add(grid, units, effects, examples);
    document.documentElement.setAttribute('data-drawn', String(performance.now()));
  }

  /* ---- Tooltips ---- */
  function line(label, v) {
    var div = document.createElement('div');
    var b = document.createElement('b');
    b.textContent = label + ' ';
    div.appendChild(b);
    div.appendChild(document.createTextNode(v));
    return div;
  }

  function pairsTable(title, ids, values) {
    var table = document.createElement('table');
    var cap = document.createElement('caption');
    cap.textContent = title;
    table.appendChild(cap);
    var body = document.createElement('tbody');
    for (var i = 0; i < values.length && i < ids.length; i++) {
      var tr = document.createElement('tr');
      var t = document.createElement('td');
      t.className = 'tok';
      t.textContent = tokenText(ids[i]);
      var v = document.createElement('td');
      v.textContent = fmt(values[i]);
      tr.appendChild(t);
      tr.appendChild(v);
      body.appendChild(tr);
    }
    table.appendChild(body);
    return table;
  }

  function show(span) {
    var d = info.get(span);
    if (!d) { return; }
    tip.textContent = '';
    tip.appendChild(line('activation', fmt(d.act)));
    tip.appendChild(line('loss effect', fmt(d.loss)));
    tip.appendChild(line('sequence', d.seq + ', position ' + d.pos));
    if (d.lp) {
      tip.appendChild(pairsTable('Largest log-prob increases', d.lp.topIds, d.lp.top));
      tip.appendChild(pairsTable('Largest log-prob decreases', d.lp.bottomIds, d.lp.bottom));
    }
    tip.hidden = false;
    span.setAttribute('aria-describedby', 'tip');
    var r = span.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = window.scrollX + r.left;
    var maxLeft = window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8;
    tip.style.left = Math.max(window.scrollX + 4, Math.min(left, maxLeft)) + 'px';
    tip.style.top = top + 'px';
  }

  function hide(span) {
    tip.hidden = true;
    if (span) { span.removeAttribute('aria-describedby'); }
  }

  document.addEventListener('mouseover', function (e) {
    if (info.has(e.target)) { show(e.target); }
  });
  document.addEventListener('mouseout', function (e) {
    if (info.has(e.target) && document.activeElement !== e.target) { hide(e.target); }
  });
  document.addEventListener('focusin', function (e) {
    if (info.has(e.target)) { show(e.target); }
  });
  document.addEventListener('focusout', function (e) {
    if (info.has(e.target)) { hide(e.target); }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { hide(document.activeElement); }
  });

  /* ---- Loading: base 91 (Base91.java) -> raw deflate -> bytes ---- */
  var ALPHABET = '';
  for (var c = 33; c <= 126; c++) { if (c !== 34 && c !== 92 && c !== 60) { ALPHABET += String.fromCharCode(c); } }
  function base91(s) {
    var digit = {};
    for (var d = 0; d < ALPHABET.length; d++) { digit[ALPHABET.charAt(d)] = d; }
    var out = new Uint8Array(s.length), o = 0, v = -1, b = 0, n = 0;
    for (var i = 0; i < s.length; i++) {
      var x = digit[s.charAt(i)];
      if (x === undefined) { throw new Error('page data: not base 91'); }
      if (v < 0) { v = x; continue; }
      v += x * 91;
      b |= v << n;
      n += (v & 8191) > 88 ? 13 : 14;
      do { out[o++] = b & 255; b >>>= 8; n -= 8; } while (n > 7);
      v = -1;
    }
    if (v >= 0) { out[o++] = (b | v << n) & 255; }
    return out.subarray(0, o);
  }
  var packed = base91(JSON.parse(blob.textContent));
  var stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  new Response(stream).arrayBuffer().then(function (buf) {
    draw(decode(new Uint8Array(buf)));
  });
})();
