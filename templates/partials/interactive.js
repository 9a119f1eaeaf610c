/* perfwatch: optional enhancements for reading a report on screen. The report is complete without them:
   they only sort and filter the scorecard and make wide tables and charts reachable by keyboard. */
(function () {
  "use strict";
  var STATUS_ORDER = ["red", "amber", "green", "no_target", "not_assessed", "no_data"];
  var DIRECTION_ORDER = ["worsening", "no_change", "improving", "not_comparable", ""];

  function focusScrollables() {
    document.querySelectorAll(".table-scroll, figure.chart").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var label = box.querySelector("caption, figcaption");
        box.setAttribute("aria-label", (label ? label.textContent : "Wide content") + " (scrolls sideways)");
      }
    });
  }

  function rowsOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-status]"));
  }

  function sortKey(row, column) {
    if (column === "status") return STATUS_ORDER.indexOf(row.dataset.status);
    if (column === "direction") return DIRECTION_ORDER.indexOf(row.dataset.direction);
    return row.querySelector("th").textContent.trim().toLowerCase();
  }

  function sortTable(table, column, button) {
    var ascending = button.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    button.closest("th").setAttribute("aria-sort", ascending ? "ascending" : "descending");
    button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    table.querySelectorAll("tbody").forEach(function (body) {
      var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-status]"));
      rows.sort(function (a, b) {
        var x = sortKey(a, column), y = sortKey(b, column);
        var order = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  }

  function makeSortable(table) {
    var headings = table.querySelectorAll("thead th");
    var columns = {0: "indicator", 3: "status", 4: "direction"};
    Object.keys(columns).forEach(function (index) {
      var th = headings[index];
      if (!th) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent.toLowerCase();
      button.addEventListener("click", function () { sortTable(table, columns[index], button); });
      th.textContent = "";
      th.appendChild(button);
    });
  }

  function choice(label, values, onChange) {
    var wrapper = document.createElement("label");
    wrapper.textContent = label + " ";
    var select = document.createElement("select");
    [["", "All"]].concat(values).forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
    select.addEventListener("change", onChange);
    wrapper.appendChild(select);
    return {label: wrapper, select: select};
  }

  function makeFilterable(table) {
    var rows = rowsOf(table);
    var statuses = [], outcomes = [];
    rows.forEach(function (row) {
      var word = row.querySelector("td .badge span:last-child");
      var status = [row.dataset.status, word ? word.textContent : row.dataset.status];
      if (!statuses.some(function (s) { return s[0] === status[0]; })) statuses.push(status);
      if (outcomes.indexOf(row.dataset.outcome) < 0) outcomes.push(row.dataset.outcome);
    });
    statuses.sort(function (a, b) { return STATUS_ORDER.indexOf(a[0]) - STATUS_ORDER.indexOf(b[0]); });
    var count = document.createElement("span");
    count.className = "filter-count";
    count.setAttribute("aria-live", "polite");
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = (!status.select.value || row.dataset.status === status.select.value) &&
          (!outcome.select.value || row.dataset.outcome === outcome.select.value);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      table.querySelectorAll("tbody").forEach(function (body) {
        body.hidden = !body.querySelector("tr[data-status]:not([hidden])");
      });
      count.textContent = shown === rows.length ? "" : shown + " of " + rows.length + " indicators shown";
    }
    var status = choice("Status", statuses, apply);
    var outcome = choice("Outcome", outcomes.map(function (o) { return [o, o]; }), apply);
    var bar = document.createElement("div");
    bar.className = "table-tools";
    bar.appendChild(status.label);
    bar.appendChild(outcome.label);
    bar.appendChild(count);
    var anchor = table.closest(".table-scroll") || table;
    anchor.parentNode.insertBefore(bar, anchor);
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    makeSortable(table);
    makeFilterable(table);
  });
  focusScrollables();
  window.addEventListener("resize", focusScrollables);
})();
