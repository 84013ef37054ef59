/* The prompt view (prompt.html): asks the preview server's /__atlas/prompt whether it runs a model; if it does,
   shows the form, posts the text (JSON) and draws each token with its top features (linked to their pages) and,
   for a chosen feature, the activation at every token shaded as the example rows are. Without the server (a
   published site, file://, or a preview without --model) the page keeps its note that the view needs
   `atlas preview --model DIR --sae DIR`. Everything from the text goes in with textContent. */
(function () {
  'use strict';
  var root = document.body.getAttribute('data-root') || '';
  var API = root + '__atlas/prompt';
  var needs = document.getElementById('prompt-needs');
  var form = document.getElementById('prompt-form');
  var input = document.getElementById('prompt-text');
  var status = document.getElementById('prompt-status');
  var tokensSection = document.getElementById('prompt-tokens');
  var tbody = document.querySelector('#prompt-table tbody');
  var featureSection = document.getElementById('prompt-feature');
  var acts = document.getElementById('prompt-acts');
  var title = document.getElementById('prompt-feature-title');
  var hint = document.getElementById('prompt-feature-hint');
  if (!form || location.protocol === 'file:' || !window.fetch) { return; }
  var info = null, lastText = null, busy = false;

  function sig(v) {
    if (v === 0) { return '0'; }
    return String(Number(v.toPrecision(3)));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function featureLink(f) {
    var a = el('a', null, String(f));
    a.href = root + 'features/' + f + '.html';
    return a;
  }

  function drawActs(r) {
    featureSection.hidden = false;
    title.textContent = '';
    title.appendChild(document.createTextNode('Feature '));
    title.appendChild(featureLink(r.feature));
    title.appendChild(document.createTextNode(' on every token'));
    var max = 0;
    r.acts.forEach(function (a) { if (a > max) { max = a; } });
    hint.textContent = 'Shaded by activation / the largest here (' + sig(max) + '), as example rows are by the feature\'s max.' +
      (r.bos_left_out && r.tokens.some(function (t) { return t.bos; }) ? ' The BOS position is left out, as in the atlas.' : '');
    acts.textContent = '';
    acts.appendChild(el('small', null, sig(max)));
    r.tokens.forEach(function (t, k) {
      var a = r.acts[k], shade = a > 0 && max > 0 ? Math.min(10, Math.max(1, Math.ceil(10 * a / max))) : 0;
      var i = el('i', shade > 0 ? 'a' + shade : null, t.text);
      i.title = 'activation ' + sig(a) + ' \u00B7 position ' + k;
      i.setAttribute('data-act', String(a));
      acts.appendChild(i);
    });
  }

  function drawTokens(r) {
    tokensSection.hidden = false;
    tbody.textContent = '';
    r.tokens.forEach(function (t, k) {
      var tr = el('tr');
      tr.appendChild(el('td', null, String(k)));
      tr.appendChild(el('td', 'tok', t.text));
      var td = el('td');
      if (t.bos && r.bos_left_out) {
        td.textContent = 'BOS: left out, as in the atlas';
      } else if (r.top[k].length === 0) {
        td.textContent = 'no active feature';
      } else {
        var ul = el('ul');
        r.top[k].forEach(function (fa) {
          var li = el('li');
          li.appendChild(featureLink(fa[0]));
          var b = el('button', 'act', sig(fa[1]));
          b.type = 'button';
          b.setAttribute('aria-pressed', String(fa[0] === r.feature));
          b.setAttribute('aria-label', 'Show feature ' + fa[0] + ' on every token');
          b.setAttribute('data-feature', String(fa[0]));
          b.addEventListener('click', function () { run(lastText, fa[0]); });
          li.appendChild(b);
          ul.appendChild(li);
        });
        td.appendChild(ul);
      }
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
  }

  function run(text, feature) {
    if (busy) { return; }
    busy = true;
    status.textContent = 'Running the model\u2026';
    status.removeAttribute('data-done');
    var body = { text: text };
    if (feature !== undefined && feature !== null) { body.feature = feature; }
    var t0 = performance.now();
    fetch(API, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body) }).then(function (resp) {
      return resp.json().then(function (json) { return { ok: resp.ok, status: resp.status, json: json }; });
    }).then(function (r) {
      busy = false;
      if (!r.ok) {
        status.textContent = 'Error ' + r.status + ': ' + (r.json && r.json.error ? r.json.error : 'no answer');
        status.setAttribute('data-done', 'error');
        return;
      }
      lastText = text;
      drawActs(r.json);
      drawTokens(r.json);
      var ms = performance.now() - t0;
      status.textContent = r.json.tokens.length + ' tokens (' + ms.toFixed(0) + ' ms).';
      status.setAttribute('data-done', 'ok');
      status.setAttribute('data-ms', ms.toFixed(1));
    }, function (err) {
      busy = false;
      status.textContent = 'The server did not answer: ' + err.message;
      status.setAttribute('data-done', 'error');
    });
  }

  fetch(API, { headers: { 'Accept': 'application/json' } }).then(function (resp) {
    return resp.ok ? resp.json() : null;
  }).then(function (json) {
    if (!json || json.available !== true) { return; }
    info = json;
    needs.hidden = true;
    form.hidden = false;
    status.textContent = 'Model ' + info.model + ', SAE ' + info.sae + ' at ' + info.hook + '; at most ' + info.max_chars +
      ' characters.';
    form.setAttribute('data-ready', 'true');
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      run(input.value, null);
    });
  }, function () { /* no server: the note stays */ });
})();
