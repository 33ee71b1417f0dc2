// Progressive enhancement for the experts' overview: sort a table by any
// column (click or Enter on its header) and filter its rows by name. Without
// JavaScript the table is complete and the filtered views are separate pages.
(function () {
  "use strict";
  function cellValue(row, index, type) {
    var cell = row.children[index];
    var raw = cell.getAttribute("data-value");
    if (raw === null) raw = cell.textContent.trim();
    if (type === "number") {
      var n = parseFloat(String(raw).replace(",", "."));
      return isNaN(n) ? -Infinity : n;
    }
    return String(raw).toLocaleLowerCase("fr");
  }
  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th[data-sort]");
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var type = th.getAttribute("data-sort");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, type), y = cellValue(b, index, type);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  function makeFilterable(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLocaleLowerCase("fr");
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = q !== "" && row.cells[0].textContent.toLocaleLowerCase("fr").indexOf(q) === -1;
      });
    });
  }
  document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
  document.querySelectorAll("[data-filter-table]").forEach(makeFilterable);
  document.querySelectorAll(".table-tools[hidden]").forEach(function (el) { el.hidden = false; });
})();
