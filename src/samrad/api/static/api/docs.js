// The API docs (Swagger UI): names for the form fields and buttons Swagger UI leaves unnamed, so that screen
// readers can say what each is for (WCAG 4.1.2). Swagger UI renders as the reader opens operations, so the names
// are given whenever the page changes.
(function () {
  "use strict";

  function nameFields(root) {
    root.querySelectorAll("tr[data-param-name]").forEach(function (row) {
      var name = row.getAttribute("data-param-name");
      row.querySelectorAll("select, input, textarea").forEach(function (field) {
        if (!field.hasAttribute("aria-label") && !field.labels.length) {
          field.setAttribute("aria-label", name);
        }
      });
    });
    root.querySelectorAll(".copy-to-clipboard > button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Copy to clipboard");
    });
  }

  var root = document.getElementById("swagger-ui");
  new MutationObserver(function () {
    nameFields(root);
  }).observe(root, { childList: true, subtree: true });
})();
