// Site-wide behaviour, wired from data attributes: the Content-Security-Policy allows no
// inline script or event handler, so pages mark elements and this file attaches the handlers.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action=print]") : null;
    if (!target) { return; }
    event.preventDefault();
    window.print();
  });
  // Printing opens every folded table (the national view's charts print with their numbers),
  // where the browser does not print a closed <details>; closing them again afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-table:not([open])").forEach(function (d) {
      d.open = true; opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
}());
