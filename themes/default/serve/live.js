// Live reload for `cartable serve` only (never copied into a build): the
// server sends an event after each rebuild, and the page reloads itself.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var source = new EventSource("/__cartable/events");
  source.onmessage = function () { window.location.reload(); };
})();
