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
}());
