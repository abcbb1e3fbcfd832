// The layout's behaviour. The header menu on narrow screens: hidden behind one button, opened and closed in place;
// without this script (class "no-js" stays on <html>) the menu simply stays open, so every link is reachable.
// A card that scrolls sideways on a narrow screen (a wide table) can be reached and scrolled with the keyboard.
(function () {
  var root = document.documentElement;
  root.classList.remove("no-js");
  function reachableScrolling() {
    document.querySelectorAll(".card").forEach(function (card) {
      if (card.scrollWidth > card.clientWidth + 1) {
        card.setAttribute("tabindex", "0");
      } else if (card.getAttribute("tabindex") === "0") {
        card.removeAttribute("tabindex");
      }
    });
  }
  reachableScrolling();
  window.addEventListener("resize", reachableScrolling);
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("menu");
  if (!button || !menu) { return; }
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.classList.contains("open")) {
      menu.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
})();
