/* Feature page: token tooltips (hover and keyboard focus) and the random-feature link.
   Hover data: <script type="application/json" id="hover"> = {"s": [token strings], "t": [default top ids],
   "b": [default bottom ids], "x": [[seq, start, [[q, act, loss (, [top values], [bottom values]
   (, [top ids], [bottom ids]))], ...]], ...]} with one entry per .ex element, in document order; ids index "s".
   A position without a row has activation 0, no log-prob changes and loss effect 0 (null at sequence position 0). */
(function () {
  'use strict';
  var blob = document.getElementById('hover');
  var tip = document.getElementById('tip');
  if (!blob || !tip) { return; }
  var data = JSON.parse(blob.textContent);
  var strings = data.s;
  var rows = document.querySelectorAll('.ex');
  var info = new Map();

  rows.forEach(function (row, k) {
    var ex = data.x[k];
    if (!ex) { return; }
    var rows = {};
    ex[2].forEach(function (r) { rows[r[0]] = r; });
    row.querySelectorAll('i').forEach(function (span, q) {
      var r = rows[q];
      var pos = ex[1] + q;
      span.tabIndex = 0;
      info.set(span, {
        seq: ex[0], pos: pos,
        act: r ? r[1] : 0,
        loss: r ? r[2] : (pos === 0 ? null : 0),
        lp: r && r.length > 3 ? { top: r[3], bottom: r[4], topIds: r[5] || data.t, bottomIds: r[6] || data.b } : null
      });
    });
  });

  function fmt(v) {
    if (v === null || v === undefined) { return 'n/a'; }
    if (v === 0) { return '0'; }
    var a = Math.abs(v);
    var s = (a >= 1e-3 && a < 1e5) ? String(Number(v.toPrecision(3))) : v.toExponential(2);
    return v > 0 ? '+' + s : s.replace('-', '\u2212');
  }

  function line(label, value) {
    var div = document.createElement('div');
    var b = document.createElement('b');
    b.textContent = label + ' ';
    div.appendChild(b);
    div.appendChild(document.createTextNode(value));
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
      t.textContent = strings[ids[i]];
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

  var random = document.getElementById('random');
  var count = Number(document.body.getAttribute('data-count'));
  if (random && count > 1) {
    random.addEventListener('click', function (e) {
      var self = Number(random.getAttribute('data-self'));
      var r = Math.floor(Math.random() * (count - 1));
      if (r >= self) { r += 1; }
      e.preventDefault();
      window.location.href = r + '.html';
    });
  }
})();
