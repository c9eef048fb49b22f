/* bm-language.js: the reader's language (中文, English or both). Part of hengyang-map (MIT). */
(function () {
  "use strict";

  /* Show the page in `code` ("zh", "en" or "both"); the names on the map follow (bm:lang). */
  function setLanguage(code) {
    document.documentElement.setAttribute("data-lang", code);
    document.documentElement.setAttribute("lang", code === "en" ? "en" : "zh-Hans");
    var buttons = document.querySelectorAll(".bm-lang button");
    Array.prototype.forEach.call(buttons, function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === code ? "true" : "false");
    });
    document.dispatchEvent(new CustomEvent("bm:lang"));
  }

  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll(".bm-lang button"), function (button) {
      button.addEventListener("click", function () { setLanguage(button.getAttribute("data-lang")); });
    });
  }

  window.BM.language = { set: setLanguage, wire: wire };
})();
