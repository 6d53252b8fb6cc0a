// Light or dark: the system's setting unless the reader chose. A classic script in <head>, so
// the choice applies before the page is painted. A signed-in reader's choice comes from their
// account (the server writes data-theme on <html>) and is saved there; an anonymous reader's
// is kept in this browser, so every anonymous reader is served the same HTML.
(function () {
  var root = document.documentElement;
  var account = root.dataset.themeAccount; // the save URL, for a signed-in reader
  if (!account) {
    try {
      var saved = localStorage.getItem("theme");
      if (saved === "light" || saved === "dark") root.dataset.theme = saved;
    } catch (error) {
      // storage refused (private mode): the system's setting stays
    }
  }

  function current() {
    if (root.dataset.theme) return root.dataset.theme;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function label(button) {
    var dark = current() === "dark";
    button.textContent = dark ? "Light mode" : "Dark mode";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
  }

  function save(theme) {
    if (!account) {
      try {
        localStorage.setItem("theme", theme);
      } catch (error) {
        // not kept: the page still switches
      }
      return;
    }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new URLSearchParams({ theme: theme });
    fetch(account, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": field ? field.value : "" },
      credentials: "same-origin",
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var place = document.querySelector(".topbar .account");
    if (!place) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "theme-toggle";
    label(button);
    button.addEventListener("click", function () {
      var theme = current() === "dark" ? "light" : "dark";
      root.dataset.theme = theme;
      save(theme);
      label(button);
    });
    place.prepend(button);
  });
})();
