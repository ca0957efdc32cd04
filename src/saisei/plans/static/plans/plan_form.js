// Progressive enhancement for the plan form: hide the cell questions when no processed cells
// are used. The form works the same without this script.
(function () {
  "use strict";
  var uses = document.getElementById("id_uses_cells");
  var cells = document.getElementById("cell-questions");
  if (!uses || !cells) { return; }
  function sync() { cells.hidden = !uses.checked; }
  uses.addEventListener("change", sync);
  sync();
}());
