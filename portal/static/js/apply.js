// The apply form: only the chosen department's products show, and only they can be sent. Without this script
// every department's products show under its name, and the server refuses products of another department.
(function () {
  var select = document.querySelector("[data-products-for]");
  if (!select) { return; }
  function show() {
    document.querySelectorAll(".dept-products").forEach(function (group) {
      var mine = group.getAttribute("data-dept") === select.value;
      group.hidden = !mine;
      group.querySelectorAll("input").forEach(function (box) { box.disabled = !mine; });
    });
  }
  select.addEventListener("change", show);
  show();
})();
