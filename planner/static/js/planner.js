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

  // <button data-print>: the print dialogue (the page has a print stylesheet)
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // an import job in progress: <div data-job-status="/werte/importe/1/status.json"> asks the
  // server every two seconds and reloads the page when the job has finished
  document.querySelectorAll("[data-job-status]").forEach(function (box) {
    var url = box.getAttribute("data-job-status");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-job-text]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return;
          if (s.state === "fertig" || s.state === "fehlerhaft" || s.stale) { window.location.reload(); return; }
          if (bar && s.total && s.phase === "check") { bar.max = s.total; bar.value = Math.min(s.done, s.total); }
          if (bar && s.phase === "write") { bar.removeAttribute("value"); }
          if (text) {
            text.textContent = s.phase === "write" ? "Die Werte werden gespeichert …"
              : "Geprüft: " + s.done.toLocaleString("de-DE") + (s.total ? " von etwa " + s.total.toLocaleString("de-DE") : "") + " Zeilen";
          }
          window.setTimeout(poll, 2000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });

  // the agenda: drag an item to a new place (a mouse alternative to the "Nach oben"/"Nach unten"
  // buttons, which stay for the keyboard); the new order is sent with the hidden form
  document.querySelectorAll("[data-reorder]").forEach(function (list) {
    var form = document.getElementById("reorder-form");
    if (!form) return;
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("li[data-id]");
      if (dragged) { dragged.classList.add("agenda__item--dragging"); event.dataTransfer.effectAllowed = "move"; }
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var over = event.target.closest("li[data-id]");
      if (!over || over === dragged) return;
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("agenda__item--dragging");
      dragged = null;
      var ids = [].map.call(list.querySelectorAll("li[data-id]"), function (li) { return li.getAttribute("data-id"); });
      form.querySelector("input[name=order]").value = ids.join(",");
      form.submit();
    });
  });
})();
