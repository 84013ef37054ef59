/* Index table: the column headers become buttons that sort every feature (loaded from the search
   shards) and paginate client-side, 500 rows a page. Without JavaScript the static pages remain.
   The explanation column (only when the page has it) shows the first explanation and "(+N more)", as
   IndexPages.java writes it; every cell is set with textContent. */
(function () {
  'use strict';
  var table = document.getElementById('features');
  if (!table || !window.atlasData) { return; }
  var PAGE = 500;
  var tbody = table.tBodies[0];
  var pager = document.querySelector('nav.pages');
  var hint = document.querySelector('p.hint');
  var root = window.atlasData.root;
  var state = { key: 'index', dir: 1, page: 0 };
  var explained = !!table.querySelector('th[data-key="explanation"]');
  var keys = {
    index: function (f) { return f.i; },
    density: function (f) { return f.d; },
    max: function (f) { return f.m; },
    tokens: function (f) { return (f.t[0] || '\uffff').toLowerCase(); },
    logits: function (f) { return (f.l[0] || '\uffff').toLowerCase(); },
    explanation: function (f) { return (f.x[0] || '\uffff').toLowerCase(); }
  };

  function quoted(list) {
    return list.slice(0, 3).map(function (t) { return '\u201C' + t + '\u201D'; }).join(' ');
  }

  function explanation(list) {
    return list.length > 1 ? list[0] + ' (+' + (list.length - 1) + ' more)' : (list[0] || '');
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    if (cls) { td.className = cls; }
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function draw(sorted) {
    var start = state.page * PAGE;
    var frag = document.createDocumentFragment();
    sorted.slice(start, start + PAGE).forEach(function (f) {
      var tr = document.createElement('tr');
      if (f.d === 0) { tr.className = 'dead'; }
      var td = cell(tr, '', '');
      var a = document.createElement('a');
      a.href = root + 'features/' + f.i + '.html';
      a.textContent = String(f.i);
      td.appendChild(a);
      cell(tr, f.d === 0 ? '0%' : Number((f.d * 100).toPrecision(3)) + '%', '');
      cell(tr, String(f.m), '');
      cell(tr, quoted(f.t), 'tok');
      cell(tr, quoted(f.l), 'tok');
      if (explained) { cell(tr, explanation(f.x), 'x'); }
      frag.appendChild(tr);
    });
    tbody.textContent = '';
    tbody.appendChild(frag);
    if (hint) {
      hint.textContent = 'Rows ' + (start + 1) + '\u2013' + Math.min(sorted.length, start + PAGE) + ' of ' +
        sorted.length + ', sorted by ' + state.key + (state.dir > 0 ? ' ascending' : ' descending') + '.';
    }
    if (pager) {
      pager.textContent = '';
      var pages = Math.ceil(sorted.length / PAGE);
      for (var p = 0; p < pages; p++) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = String(p + 1);
        if (p === state.page) { b.setAttribute('aria-current', 'page'); }
        b.addEventListener('click', (function (page) {
          return function () { state.page = page; draw(sorted); };
        })(p));
        pager.appendChild(b);
      }
    }
  }

  function sortBy(key) {
    window.atlasData.load().then(function (index) {
      state.dir = state.key === key ? -state.dir : (key === 'index' || key === 'tokens' || key === 'logits' || key === 'explanation' ? 1 : -1);
      state.key = key;
      state.page = 0;
      var get = keys[key];
      var sorted = index.features.filter(function (f) { return f; });
      sorted.sort(function (a, b) {
        var x = get(a), y = get(b);
        return (x < y ? -1 : x > y ? 1 : 0) * state.dir || a.i - b.i;
      });
      table.querySelectorAll('th').forEach(function (th) {
        th.setAttribute('aria-sort', th.getAttribute('data-key') === key ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
      });
      draw(sorted);
    });
  }

  table.querySelectorAll('th[data-key]').forEach(function (th) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(b);
    b.addEventListener('click', function () { sortBy(th.getAttribute('data-key')); });
  });
})();
