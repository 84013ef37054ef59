/* The feature map on the index page: every live feature as a dot on a canvas, from map-data.js
   (atlasMap({first, count, lo, hi, w, h}, data), MapData.java: 5 bytes a feature in base 91: x, y as 16-bit
   integers, then the log-density code). Drawn in one pass into an ImageData buffer; hover picks the nearest dot
   through a 256 x 256 grid; the tooltip's top tokens come from the feature's search shard (loaded on demand, with
   vocab.js), and a search (search.js's window.atlasData) can be highlighted. Text goes in with textContent only. */
(function () {
  'use strict';
  var canvas = document.getElementById('map-canvas');
  if (!canvas || !canvas.getContext) { return; }
  var body = document.body;
  var root = body.getAttribute('data-root') || '';
  var status = document.getElementById('map-status');
  var tip = document.getElementById('map-tip');
  var range = document.getElementById('map-range');
  var ctx = canvas.getContext('2d');
  var started = performance.now();
  var GRID = 256, SHARD = 2048, RADIUS = 7;
  var map = null;            /* {n, first, w, h, x, y, code, id, cellStart, cellItems} */
  var view = { scale: 1, ox: 0, oy: 0 };
  var hover = -1, highlighted = null;
  var shards = {}, shardWaiting = {}, vocabLoading = null;

  status.textContent = 'Loading the map\u2026';

  /* ---- Data ---- */
  var B91 = '';
  for (var c = 33; c <= 126; c++) { if (c !== 34 && c !== 92 && c !== 60) { B91 += String.fromCharCode(c); } }
  function base91(s) {
    var digit = new Int16Array(128).fill(-1);
    for (var d = 0; d < B91.length; d++) { digit[B91.charCodeAt(d)] = d; }
    var out = new Uint8Array(s.length), o = 0, v = -1, b = 0, n = 0;
    for (var i = 0; i < s.length; i++) {
      var x = digit[s.charCodeAt(i)];
      if (x < 0) { throw new Error('map data: not base 91'); }
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

  function build(m, data) {
    var bytes = base91(data);
    var n = 0, k;
    for (k = 0; k < m.count; k++) { if (bytes[5 * k + 4] > 0) { n++; } }
    var p = { n: n, first: m.first, lo: m.lo, hi: m.hi, w: m.w, h: m.h, x: new Float32Array(n), y: new Float32Array(n),
      code: new Uint8Array(n), id: new Int32Array(n) };
    var at = 0;
    for (k = 0; k < m.count; k++) {
      var q = 5 * k;
      if (bytes[q + 4] === 0) { continue; }
      p.x[at] = ((bytes[q] << 8) | bytes[q + 1]) / 65534;
      p.y[at] = ((bytes[q + 2] << 8) | bytes[q + 3]) / 65534;
      p.code[at] = bytes[q + 4];
      p.id[at] = m.first + k;
      at++;
    }
    /* The picking grid over the unit square: a counting sort of the dots by cell. */
    var cellOf = new Int32Array(n), start = new Int32Array(GRID * GRID + 1);
    for (var i = 0; i < n; i++) {
      var cx = Math.min(GRID - 1, Math.floor(p.x[i] * GRID)), cy = Math.min(GRID - 1, Math.floor(p.y[i] * GRID));
      cellOf[i] = cy * GRID + cx;
      start[cellOf[i] + 1]++;
    }
    for (var s = 0; s < GRID * GRID; s++) { start[s + 1] += start[s]; }
    var fill = start.slice(0, GRID * GRID), items = new Int32Array(n);
    for (i = 0; i < n; i++) { items[fill[cellOf[i]]++] = i; }
    p.cellStart = start;
    p.cellItems = items;
    return p;
  }

  /* Colours by density code 1..255 (viridis-like ramp), as little-endian RGBA words. */
  var STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  var palette = new Uint32Array(256);
  for (var code = 1; code < 256; code++) {
    var t = (code - 1) / 254 * (STOPS.length - 1), j = Math.min(STOPS.length - 2, Math.floor(t)), f = t - j;
    var rgb = [0, 1, 2].map(function (ch) { return Math.round(STOPS[j][ch] + (STOPS[j + 1][ch] - STOPS[j][ch]) * f); });
    palette[code] = (255 << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0];
  }

  /* ---- View ---- */
  function resize() {
    var ratio = window.devicePixelRatio || 1;
    var width = Math.max(200, Math.round(canvas.clientWidth * ratio));
    canvas.width = width;
    canvas.height = Math.round(width * 5 / 8);
  }

  function reset() {
    var margin = 12 * (window.devicePixelRatio || 1);
    view.scale = Math.min((canvas.width - 2 * margin) / map.w, (canvas.height - 2 * margin) / map.h);
    view.ox = (canvas.width - map.w * view.scale) / 2;
    view.oy = (canvas.height - map.h * view.scale) / 2;
  }

  function draw() {
    var t0 = performance.now();
    var W = canvas.width, H = canvas.height;
    var img = ctx.createImageData(W, H);
    var px = new Uint32Array(img.data.buffer);
    var size = view.scale > 20000 ? 4 : view.scale > 4000 ? 3 : 2;
    var s = view.scale, ox = view.ox, oy = view.oy, n = map.n, xs = map.x, ys = map.y, codes = map.code;
    for (var i = 0; i < n; i++) {
      var x = (xs[i] * s + ox) | 0, y = (ys[i] * s + oy) | 0;
      if (x < 0 || y < 0 || x + size > W || y + size > H) { continue; }
      var colour = palette[codes[i]];
      for (var dy = 0; dy < size; dy++) {
        var row = (y + dy) * W + x;
        for (var dx = 0; dx < size; dx++) { px[row + dx] = colour; }
      }
    }
    ctx.putImageData(img, 0, 0);
    if (highlighted) {
      ctx.strokeStyle = '#e4572e';
      ctx.lineWidth = 2 * (window.devicePixelRatio || 1);
      highlighted.forEach(function (i) { ring(i, 5); });
    }
    if (hover >= 0) {
      ctx.strokeStyle = getComputedStyle(body).color || '#000';
      ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1);
      ring(hover, 6);
    }
    var ms = performance.now() - t0;
    canvas.setAttribute('data-draw-ms', ms.toFixed(2));
  }

  function ring(i, r) {
    var ratio = window.devicePixelRatio || 1;
    ctx.beginPath();
    ctx.arc(map.x[i] * view.scale + view.ox + 1, map.y[i] * view.scale + view.oy + 1, r * ratio, 0, 2 * Math.PI);
    ctx.stroke();
  }

  function canvasPoint(e) {
    var rect = canvas.getBoundingClientRect();
    return { x: (e.clientX - rect.left) * canvas.width / rect.width, y: (e.clientY - rect.top) * canvas.height / rect.height };
  }

  /* The dot nearest to canvas point (cx, cy) within RADIUS pixels, or -1. */
  function pick(cx, cy) {
    var r = RADIUS * (window.devicePixelRatio || 1) / view.scale;
    var x = (cx - view.ox) / view.scale, y = (cy - view.oy) / view.scale;
    var x0 = Math.max(0, Math.floor((x - r) * GRID)), x1 = Math.min(GRID - 1, Math.floor((x + r) * GRID));
    var y0 = Math.max(0, Math.floor((y - r) * GRID)), y1 = Math.min(GRID - 1, Math.floor((y + r) * GRID));
    var best = -1, bestD = r * r;
    for (var gy = y0; gy <= y1; gy++) {
      for (var gx = x0; gx <= x1; gx++) {
        var cell = gy * GRID + gx;
        for (var q = map.cellStart[cell]; q < map.cellStart[cell + 1]; q++) {
          var i = map.cellItems[q], dx = map.x[i] - x, dy = map.y[i] - y, d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  /* ---- Tooltip: the feature's search-shard row (top tokens, note) ---- */
  var B85 = '!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz{}~';
  function tokens(s, w) {
    var vocab = window.atlasVocab || [], out = [];
    for (var at = 0; at + w <= s.length; at += w) {
      var id = 0;
      for (var j = 0; j < w; j++) { id = id * 85 + B85.indexOf(s.charAt(at + j)); }
      out.push(vocab[id] === undefined ? '\u27E8id ' + id + '\u27E9' : vocab[id]);
    }
    return out;
  }

  var previous = window.atlasShard;
  window.atlasShard = function (i, shard) {
    shards[i] = shard;
    (shardWaiting[i] || []).forEach(function (f) { f(); });
    delete shardWaiting[i];
    if (previous) { previous(i, shard); }
  };

  function script(path, done) {
    var s = document.createElement('script');
    s.src = root + path;
    if (done) { s.onload = done; }
    document.head.appendChild(s);
  }

  /* Calls back with the shard row of feature id once it and vocab.js are loaded. */
  function row(id, back) {
    var k = id - map.first, si = Math.floor(k / SHARD);
    function ready() {
      if (!window.atlasVocab || !shards[si]) { return; }
      back(shards[si].f[k - si * SHARD], shards[si].w);
    }
    if (!window.atlasVocab) {
      if (!vocabLoading) { vocabLoading = []; script('vocab.js', function () { vocabLoading.forEach(function (f) { f(); }); }); }
      vocabLoading.push(ready);
    }
    if (!shards[si]) {
      if (!shardWaiting[si]) { shardWaiting[si] = []; script('search/' + si + '.js'); }
      shardWaiting[si].push(ready);
    }
    ready();
  }

  function percent(d) { return d === 0 ? '0%' : Number((d * 100).toPrecision(3)) + '%'; }

  function showTip(i, cx, cy) {
    var id = map.id[i];
    tip.hidden = false;
    tip.setAttribute('data-feature', String(id));
    tip.textContent = 'Feature ' + id + '\n\u2026';
    var rect = canvas.getBoundingClientRect();
    var left = cx * rect.width / canvas.width + 14, top = cy * rect.height / canvas.height + 14;
    tip.style.left = Math.min(left, rect.width - 200) + 'px';
    tip.style.top = top + 'px';
    row(id, function (r, w) {
      if (tip.getAttribute('data-feature') !== String(id)) { return; }
      var lines = ['Feature ' + id + ' \u00B7 density ' + percent(r[0]) + ' \u00B7 max ' + r[1],
        'fires on ' + tokens(r[2], w).slice(0, 5).map(function (s) { return '\u201C' + s + '\u201D'; }).join(' ')];
      /* The first explanation, where the shard row carries them (a list after the note), else the note. */
      var text = Array.isArray(r[5]) && typeof r[5][0] === 'string' && r[5][0] ? r[5][0] : r[4];
      if (text) { lines.push(text.length > 160 ? text.slice(0, 160) + '\u2026' : text); }
      tip.textContent = lines.join('\n');
      tip.setAttribute('data-ready', 'true');
    });
  }

  function hideTip() {
    tip.hidden = true;
    tip.removeAttribute('data-feature');
    tip.removeAttribute('data-ready');
  }

  /* ---- Interaction ---- */
  var drag = null;
  function zoom(factor, cx, cy) {
    view.ox = cx - (cx - view.ox) * factor;
    view.oy = cy - (cy - view.oy) * factor;
    view.scale *= factor;
    draw();
  }

  function wire() {
    canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      var p = canvasPoint(e);
      zoom(e.deltaY < 0 ? 1.25 : 0.8, p.x, p.y);
    }, { passive: false });
    canvas.addEventListener('pointerdown', function (e) {
      drag = { x: e.clientX, y: e.clientY, ox: view.ox, oy: view.oy, moved: false };
    });
    window.addEventListener('pointerup', function () { setTimeout(function () { drag = null; }, 0); });
    canvas.addEventListener('pointermove', function (e) {
      if (drag && (e.buttons & 1)) {
        var rect = canvas.getBoundingClientRect();
        var dx = (e.clientX - drag.x) * canvas.width / rect.width, dy = (e.clientY - drag.y) * canvas.height / rect.height;
        if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
        view.ox = drag.ox + dx;
        view.oy = drag.oy + dy;
        hideTip();
        draw();
        return;
      }
      var p = canvasPoint(e);
      var t0 = performance.now();
      var i = pick(p.x, p.y);
      canvas.setAttribute('data-pick-ms', (performance.now() - t0).toFixed(3));
      if (i !== hover) {
        hover = i;
        draw();
        if (i >= 0) { showTip(i, p.x, p.y); } else { hideTip(); }
      }
    });
    canvas.addEventListener('pointerleave', function () { hover = -1; hideTip(); draw(); });
    canvas.addEventListener('click', function (e) {
      if (drag && drag.moved) { return; }
      var p = canvasPoint(e);
      var i = pick(p.x, p.y);
      if (i >= 0) { window.location.href = root + 'features/' + map.id[i] + '.html'; }
    });
    document.getElementById('map-zoom-in').addEventListener('click', function () { zoom(1.5, canvas.width / 2, canvas.height / 2); });
    document.getElementById('map-zoom-out').addEventListener('click', function () { zoom(1 / 1.5, canvas.width / 2, canvas.height / 2); });
    document.getElementById('map-reset').addEventListener('click', function () { reset(); draw(); });
    document.getElementById('map-find').addEventListener('submit', function (e) {
      e.preventDefault();
      highlight(document.getElementById('map-q').value);
    });
    window.addEventListener('resize', function () { resize(); reset(); draw(); });
  }

  /* Rings the features a search finds (search.js's query, at most 1000), and says how many. */
  function highlight(q) {
    if (!q.trim()) { highlighted = null; draw(); summary(); return; }
    if (!window.atlasData) { return; }
    status.textContent = 'Searching\u2026';
    window.atlasData.load().then(function (index) {
      var found = window.atlasData.query(index, q, 1000);
      var where = new Map();
      for (var i = 0; i < map.n; i++) { where.set(map.id[i], i); }
      highlighted = [];
      found.forEach(function (f) { if (where.has(f.i)) { highlighted.push(where.get(f.i)); } });
      status.textContent = highlighted.length + ' of the ' + found.length + ' features found are on the map (ringed).';
      status.setAttribute('data-highlighted', String(highlighted.length));
      draw();
    });
  }

  function summary() {
    var ms = performance.now() - started;
    status.textContent = map.n.toLocaleString('en-US') + ' features on the map.';
    status.setAttribute('data-load-ms', ms.toFixed(1));
    status.setAttribute('data-points', String(map.n));
  }

  /* Where feature id's dot is, in CSS pixels from the canvas's top left (null when it is not on the map). */
  window.atlasMapPoint = function (id) {
    if (!map) { return null; }
    for (var i = 0; i < map.n; i++) {
      if (map.id[i] === id) {
        var rect = canvas.getBoundingClientRect();
        return { x: (map.x[i] * view.scale + view.ox + 1) * rect.width / canvas.width,
          y: (map.y[i] * view.scale + view.oy + 1) * rect.height / canvas.height };
      }
    }
    return null;
  };

  window.atlasMap = function (m, data) {
    map = build(m, data);
    resize();
    reset();
    draw();
    wire();
    if (range) { range.textContent = '(log10 density ' + m.lo + ' to ' + m.hi + ')'; }
    summary();
  };
  var data = document.createElement('script');
  data.src = root + 'map-data.js';
  data.onerror = function () { status.textContent = 'The map data (map-data.js) did not load.'; };
  document.head.appendChild(data);
})();
