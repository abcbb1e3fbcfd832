// The scorecard editor: the weights' total is checked as they are typed (they must add up to 100), and each
// indicator shows the rows of the way it is scored (ranges for a number, answers for a choice). Without this
// script both kinds of rows stay visible and the server checks everything on save.
(function () {
  var form = document.querySelector(".scorecard-editor form");
  if (!form) { return; }
  var sum = form.querySelector("[data-weight-sum]");
  var total = document.getElementById("weight-total");
  function recount() {
    var value = 0;
    form.querySelectorAll("[data-indicator]").forEach(function (box) {
      var removed = box.querySelector("input[type=checkbox][name$='-remove']");
      var weight = box.querySelector("[data-weight]");
      if (weight && !(removed && removed.checked)) { value += parseInt(weight.value, 10) || 0; }
    });
    sum.textContent = value;
    total.classList.toggle("weight-bad", value !== 100);
    total.classList.toggle("weight-ok", value === 100);
  }
  function showKind(box) {
    var kind = box.querySelector("select[name$='-kind']");
    if (!kind) { return; }
    box.querySelectorAll("[data-kind-section]").forEach(function (section) {
      section.classList.toggle("kind-inactive", section.getAttribute("data-kind-section") !== kind.value);
    });
  }
  form.addEventListener("input", recount);
  form.addEventListener("change", function (event) {
    recount();
    var box = event.target.closest("[data-indicator]");
    if (box && /-kind$/.test(event.target.name)) { showKind(box); }
  });
  recount();
})();
