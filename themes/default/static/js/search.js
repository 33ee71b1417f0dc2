// Progressive enhancement: the Pagefind search box on /recherche/.
// Loaded only where the build ran Pagefind; the page works without it.
(function () {
  "use strict";
  var element = document.querySelector("[data-search]");
  if (!element || typeof window.PagefindUI !== "function") return;
  new window.PagefindUI({ element: element, showSubResults: true, showImages: false, resetStyles: false });
  var input = element.querySelector("input");
  var query = new URLSearchParams(window.location.search).get("q");
  if (input && query) {
    input.value = query;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
})();
