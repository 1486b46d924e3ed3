// Datasette's own table and row pages have filter, sort and value controls without
// labels, and a scrolling table a keyboard cannot reach. This names each control for
// screen readers and makes the table focusable, without copying Datasette's templates.
(function () {
  var names = [
    [/^_filter_column/, "Column to filter"],
    [/^_filter_op/, "How to filter it"],
    [/^_filter_value/, "Value to filter by"],
    [/^_sort$/, "Sort by"],
  ];
  document.querySelectorAll("form.filters select, form.filters input").forEach(function (control) {
    if (control.labels && control.labels.length) { return; }
    names.forEach(function (pair) {
      if (pair[0].test(control.name)) { control.setAttribute("aria-label", pair[1]); }
    });
  });
  document.querySelectorAll(".table-wrapper").forEach(function (wrapper) {
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", "Rows, scrollable");
  });
})();
