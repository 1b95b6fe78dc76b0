/*
 * The masking page of an answer (publishing/answer.html): text selected in an answer's whole text
 * ([data-masking-selectable]) is put into the "Text to mask" field ([data-masking-selection-target]), so that a
 * person can mask a part by selecting it and pressing "Mask". Typing the text works as well, without JavaScript.
 * Loaded as a static file (no inline script).
 */
(function () {
  "use strict";

  function selectedText(container) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return "";
    }
    const range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) {
      return "";
    }
    return selection.toString().replace(/\s+/g, " ").trim();
  }

  function init() {
    const target = document.querySelector("[data-masking-selection-target]");
    if (!target) {
      return;
    }
    document.querySelectorAll("[data-masking-selectable]").forEach(function (container) {
      function take() {
        const text = selectedText(container);
        if (text) {
          target.value = text.slice(0, 500);
          target.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
      container.addEventListener("mouseup", take);
      container.addEventListener("keyup", take);
      container.addEventListener("touchend", take);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
