// The section editor of the social report: the preview beside the text follows what is typed
// (the server renders it, sanitised, with live data); the block picker asks the server for the
// tag and puts it at the cursor on a line of its own. Without script both work by submitting.
(function () {
  "use strict";
  var form = document.getElementById("abschnitt-form");
  var preview = document.getElementById("vorschau");
  var text = document.getElementById("text");
  if (!form || !preview || !text) return;
  var timer = null;
  var sequence = 0;

  function refresh() {
    var mine = ++sequence;
    preview.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-preview"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) { return response.text(); }).then(function (html) {
      if (mine !== sequence) return;  // a newer preview is on its way
      preview.innerHTML = html;  // rendered and sanitised by the server
      preview.removeAttribute("aria-busy");
    }).catch(function () { preview.removeAttribute("aria-busy"); });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 700);
  }
  text.addEventListener("input", later);
  var heading = document.getElementById("heading");
  if (heading) heading.addEventListener("input", later);

  var picker = document.getElementById("baustein-form");
  var status = document.getElementById("baustein-meldung");
  if (!picker) return;
  picker.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = new URLSearchParams(new FormData(picker)).toString();
    fetch(picker.getAttribute("action") + "?" + query, {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); }).then(function (answer) {
      if (!answer.tag) {
        status.textContent = answer.error || "";
        status.className = "block-error";
        return;
      }
      var start = text.selectionStart, end = text.selectionEnd, value = text.value;
      var before = value.slice(0, start), after = value.slice(end);
      var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
      var tail = /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
      text.value = before + lead + answer.tag + tail + after;
      var caret = (before + lead + answer.tag).length;
      text.focus();
      text.setSelectionRange(caret, caret);
      status.className = "muted";
      status.textContent = "Eingefügt: " + answer.tag;
      refresh();
    }).catch(function () {
      status.className = "block-error";
      status.textContent = "Der Baustein konnte nicht erzeugt werden. Bitte versuchen Sie es erneut.";
    });
  });
})();
