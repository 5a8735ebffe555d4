/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  // after a failed submit the focus goes to the list of errors, so it is read out first
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // copy buttons: <button data-copy="element-id">
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var done = document.getElementById(button.getAttribute("data-copy") + "-kopiert");
      var text = source.value || source.textContent;
      var finish = function () { if (done) done.textContent = "In die Zwischenablage kopiert."; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(finish, function () { source.select(); });
      } else {
        source.select();
        document.execCommand("copy");
        finish();
      }
    });
  });

  // forms that delete ask first: <form data-confirm="Wirklich löschen?">
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
