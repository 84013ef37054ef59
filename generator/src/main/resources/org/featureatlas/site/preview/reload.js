// Feature Atlas preview: reloads the page when the site is re-rendered.
// Served only by `atlas preview`; never part of a built or published site.
(function () {
  "use strict";
  // The page was served at site version ?v=N (set by the server in this script's URL).
  var src = document.currentScript ? document.currentScript.src : "";
  var m = /[?&]v=(\d+)/.exec(src);
  var known = m ? m[1] : null;
  function poll() {
    fetch("/__atlas/version", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (v) {
        if (v !== null) {
          v = v.trim();
          if (known === null) {
            known = v;
          } else if (v !== known) {
            window.location.reload();
            return;
          }
        }
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
