/* Type-ahead for text fields with data-lookup: the WAI-ARIA 1.2 combobox pattern with a
   listbox popup. Without this script the field is a plain search field that works as well. */
(function () {
  "use strict";
  var counter = 0;

  function setup(input) {
    var id = input.id || "lookup-" + ++counter;
    var multiple = input.getAttribute("data-multiple") === "true";
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var wrapper = document.createElement("div");
    var items = [];
    var active = -1;
    var timer = null;
    var sequence = 0;

    list.id = id + "-vorschlaege";
    list.className = "lookup__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Vorschläge");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.className = "lookup";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(status);

    function typed() {
      if (!multiple) return input.value;
      var parts = input.value.split(/[,;]/);
      return parts[parts.length - 1];
    }

    function render() {
      list.textContent = "";
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", index === active ? "true" : "false");
        option.textContent = item.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      var open = items.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (open && active >= 0) {
        input.setAttribute("aria-activedescendant", list.id + "-" + active);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      items = [];
      active = -1;
      render();
    }

    function choose(index) {
      var label = items[index].label;
      if (multiple) {
        var parts = input.value.split(/[,;]/);
        parts[parts.length - 1] = label;
        input.value = parts.map(function (part) { return part.trim(); })
          .filter(Boolean).join(", ") + ", ";
      } else {
        input.value = label;
      }
      close();
      input.focus();
    }

    function load() {
      var query = typed().trim();
      var mine = ++sequence;
      if (!query) { close(); return; }
      fetch(input.getAttribute("data-lookup") + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (data) {
        if (mine !== sequence) return;
        items = data;
        active = -1;
        render();
        status.textContent = items.length === 0 ? "Keine Vorschläge" :
          items.length === 1 ? "1 Vorschlag" : items.length + " Vorschläge";
      }).catch(function () { /* the field still works as a search field */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!items.length) { load(); return; }
        active = (active + 1) % items.length;
        render();
      } else if (event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        active = active <= 0 ? items.length - 1 : active - 1;
        render();
      } else if (event.key === "Enter" && items.length && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && items.length) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-lookup]").forEach(setup);
})();
