// Hospital level and beds only matter for medical institutions: hide them for other customer types.
(function () {
  "use strict";
  var kind = document.getElementById("kind");
  var medical = document.querySelector(".medical-only");
  if (!kind || !medical) { return; }
  function sync() { medical.hidden = kind.value !== "medical"; }
  kind.addEventListener("change", sync);
  sync();
})();
