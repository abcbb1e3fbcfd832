// Irreversible actions ask first: a form with data-confirm="…" is sent only when the user agrees to its question.
// (The server does not depend on it: it is a guard against a careless click, not a check.)
(function () {
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm")) { question = button.getAttribute("data-confirm"); }
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
