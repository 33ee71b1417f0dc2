// Progressive enhancement: the Pagefind search box on /recherche/.
// Loaded only where the build ran Pagefind; the page works without it.
// The index comes in shards (a main bundle and one per group of portfolios,
// listed in pagefind/shards.json) so that a rebuild re-indexes only what
// changed; Pagefind merges them at query time (mergeIndex).
(function () {
  "use strict";
  var element = document.querySelector("[data-search]");
  if (!element || typeof window.PagefindUI !== "function") return;
  var script = document.querySelector('script[src*="pagefind-ui.js"]');
  var bundle = script ? new URL(".", script.src) : null;

  function start(shards) {
    var merged = shards.map(function (shard) { return { bundlePath: new URL(shard, bundle).pathname }; });
    new window.PagefindUI({ element: element, showSubResults: true, showImages: false, resetStyles: false,
                            mergeIndex: merged });
    var input = element.querySelector("input");
    var query = new URLSearchParams(window.location.search).get("q");
    if (input && query) {
      input.value = query;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  if (!bundle || typeof window.fetch !== "function") return start([]);
  fetch(new URL("shards.json", bundle))
    .then(function (r) { return r.ok ? r.json() : []; })
    .catch(function () { return []; })
    .then(function (shards) { start(Array.isArray(shards) ? shards : []); });
})();
