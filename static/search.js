/* Search across every feature: by id, by the text of tokens where it fires in its top examples or of
   its top logits, by explanation text and by note text. The data are search/N.js scripts (they load over HTTP and from
   file://, where fetch() is refused), loaded on first use with vocab.js (the token text). Exposes
   window.atlasData for table.js. Results are built with textContent only. */
(function () {
  'use strict';
  var body = document.body;
  var root = body.getAttribute('data-root') || '';
  var shardCount = Number(body.getAttribute('data-shards')) || 0;
  var featureCount = Number(body.getAttribute('data-count')) || 0;
  var pending = {};
  var loading = null;

  window.atlasShard = function (i, shard) {
    var p = pending[i];
    if (p) { delete pending[i]; p(shard); }
  };

  /* Loads root + path as a script; a shard (number i) resolves with the data its atlasShard call passes. */
  function loadScript(path, i) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = root + path;
      s.onerror = function () { reject(new Error('cannot load ' + s.src)); };
      if (i === null) { s.onload = function () { resolve(); }; } else { pending[i] = resolve; }
      document.head.appendChild(s);
    });
  }

  function loadShard(i) { return loadScript('search/' + i + '.js', i); }

  /* The token text of the shards' ids: ../vocab.js (atlasVocab), loaded with them. */
  function loadVocab() {
    if (window.atlasVocab) { return Promise.resolve(); }
    return loadScript('vocab.js', null);
  }

  var ALPHABET = '!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz{}~';
  var DIGIT = {};
  for (var d = 0; d < ALPHABET.length; d++) { DIGIT[ALPHABET.charAt(d)] = d; }

  /* A row's token ids (w base-85 digits each, SearchIndex.java) as their text. */
  function tokenTexts(s, w, vocab) {
    var out = [];
    for (var at = 0; at + w <= s.length; at += w) {
      var id = 0;
      for (var j = 0; j < w; j++) { id = id * 85 + DIGIT[s.charAt(at + j)]; }
      out.push(vocab[id] === undefined ? '\u27E8id ' + id + '\u27E9' : vocab[id]);
    }
    return out;
  }

  /* All features: {i, d, m, t: [act token strings], l: [top logit strings], n: note, x: [explanations]}, by index;
     plus the token map: lower-cased token string -> [feature indices, ranks, kinds]. */
  function build(shards) {
    var features = new Array(featureCount);
    var tokens = new Map();
    var vocab = window.atlasVocab || [];
    shards.sort(function (a, b) { return a.first - b.first; });
    shards.forEach(function (shard) {
      shard.f.forEach(function (row, k) {
        var f = { i: shard.first + k, d: row[0], m: row[1], t: tokenTexts(row[2], shard.w, vocab),
          l: tokenTexts(row[3], shard.w, vocab), n: row[4], nl: row[4].toLowerCase(), x: row[5] || [] };
        f.xl = f.x.join('\n').toLowerCase();
        features[f.i] = f;
        add(tokens, f.t, f.i, 0);
        add(tokens, f.l, f.i, 1);
      });
    });
    return { features: features, tokens: Array.from(tokens.entries()) };
  }

  function add(tokens, list, feature, kind) {
    list.forEach(function (str, rank) {
      var key = str.toLowerCase();
      var p = tokens.get(key);
      if (!p) { p = []; tokens.set(key, p); }
      p.push(feature, rank + kind * 100);
    });
  }

  function load() {
    if (!loading) {
      loading = loadVocab().then(function () {
        var all = [];
        for (var i = 0; i < shardCount; i++) { all.push(loadShard(i)); }
        return Promise.all(all);
      }).then(build);
    }
    return loading;
  }

  /* Scores: id match 1e6; token exact 1000 - rank, token substring 500 - rank; explanation 300; note 100. */
  function query(index, text, limit) {
    var q = text.trim().toLowerCase();
    var scores = new Map();
    if (!q) { return []; }
    function bump(f, s) { var old = scores.get(f); if (old === undefined || s > old) { scores.set(f, s); } }
    if (/^#?\d+$/.test(q)) {
      var id = Number(q.replace('#', ''));
      if (id < index.features.length) { bump(id, 1e6); }
    }
    for (var k = 0; k < index.tokens.length; k++) {
      var key = index.tokens[k][0];
      var at = key.indexOf(q);
      if (at < 0) { continue; }
      var exact = key.trim() === q;
      var post = index.tokens[k][1];
      for (var j = 0; j < post.length; j += 2) { bump(post[j], (exact ? 1000 : 500) - post[j + 1]); }
    }
    for (var i = 0; i < index.features.length; i++) {
      var f = index.features[i];
      if (f && f.xl && f.xl.indexOf(q) >= 0) { bump(i, 300); }
      if (f && f.nl && f.nl.indexOf(q) >= 0) { bump(i, 100); }
    }
    var out = Array.from(scores.entries());
    out.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return out.slice(0, limit).map(function (e) { return index.features[e[0]]; });
  }

  window.atlasData = { load: load, query: query, root: root };

  /* The search page. */
  var input = document.getElementById('q');
  var results = document.getElementById('results');
  var status = document.getElementById('search-status');
  if (!input || !results || !status) { return; }
  var params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  status.textContent = 'Loading the search index\u2026';

  function percent(d) {
    return d === 0 ? '0%' : Number((d * 100).toPrecision(3)) + '%';
  }

  function tokenList(list) {
    var span = document.createElement('span');
    span.className = 'tok';
    span.textContent = list.slice(0, 5).map(function (t) { return '\u201C' + t + '\u201D'; }).join(' ');
    return span;
  }

  function run(index) {
    var t0 = performance.now();
    var found = query(index, input.value, 100);
    var ms = performance.now() - t0;
    results.textContent = '';
    found.forEach(function (f) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = root + 'features/' + f.i + '.html';
      a.textContent = 'Feature ' + f.i;
      li.appendChild(a);
      li.appendChild(document.createTextNode(' \u00B7 density ' + percent(f.d) + ' \u00B7 tokens '));
      li.appendChild(tokenList(f.t));
      li.appendChild(document.createTextNode(' \u00B7 logits '));
      li.appendChild(tokenList(f.l));
      if (f.x.length) {
        var x = document.createElement('div');
        x.className = 'x';
        x.textContent = f.x[0] + (f.x.length > 1 ? ' (+' + (f.x.length - 1) + ' more)' : '');
        li.appendChild(x);
      }
      if (f.n) {
        var note = document.createElement('div');
        note.className = 'note';
        note.textContent = f.n.length > 160 ? f.n.slice(0, 160) + '\u2026' : f.n;
        li.appendChild(note);
      }
      results.appendChild(li);
    });
    status.textContent = input.value.trim() ? found.length + (found.length === 100 ? '+' : '') + ' features (' +
      ms.toFixed(1) + ' ms)' : 'Type a feature id, a token, or words from an explanation or a note.';
    status.setAttribute('data-ms', ms.toFixed(3));
    status.setAttribute('data-count', String(found.length));
  }

  load().then(function (index) {
    run(index);
    input.addEventListener('input', function () { run(index); });
    document.getElementById('search-form').addEventListener('submit', function (e) {
      e.preventDefault();
      run(index);
    });
  }, function (err) {
    status.textContent = 'The search index did not load: ' + err.message;
  });
})();
