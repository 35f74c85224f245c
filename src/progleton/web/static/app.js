/* Progleton: keyboard shortcuts, the theme switch, and outlets' pictures that fail to load
   taken out. The pages work without this file. */
(function () {
  "use strict";
  var ITEMS = ".story-card, .coverage .report, .hit-group li, .others li";
  var root = document.documentElement;

  // An outlet's picture that does not load (missing at the outlet, not an image) is taken out,
  // with its figure when it is the figure's only picture, instead of showing an empty box. The
  // image proxy remembers the failure, so the next pages leave it out themselves. Error events
  // do not bubble: they are caught on the way down; an image that failed before this script
  // ran (it is deferred) is found by looking.
  function dropBroken(image) {
    var figure = image.closest("figure");
    var gone = figure && figure.querySelectorAll("img").length === 1 ? figure : image;
    if (gone.parentNode) { gone.parentNode.removeChild(gone); }
  }
  document.addEventListener("error", function (event) {
    if (event.target && event.target.tagName === "IMG") { dropBroken(event.target); }
  }, true);
  Array.prototype.slice.call(document.images).forEach(function (image) {
    // complete with no pixels: broken, or left with no address by the page (a lazy image not
    // yet loaded is not complete)
    if (image.complete && image.naturalWidth === 0) { dropBroken(image); }
  });

  function applyTheme(theme) {
    if (theme === "light" || theme === "dark") { root.dataset.theme = theme; } else { delete root.dataset.theme; }
  }
  var saved = null;
  try { saved = window.localStorage.getItem("progleton-theme"); } catch (e) { saved = null; }
  applyTheme(saved);

  // what can be seen: j and k pass over the wire copies folded away on a story's page
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(ITEMS)).filter(function (item) {
      // (a closed <details> hides its content from view, but not always from getClientRects)
      return item.getClientRects().length > 0 && !item.closest("details:not([open])");
    });
  }
  function current() { return document.querySelector(".current"); }

  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var index = list.indexOf(current());
    var next = list[Math.min(list.length - 1, Math.max(0, index < 0 ? 0 : index + step))];
    if (current()) { current().classList.remove("current"); }
    next.classList.add("current");
    var link = next.querySelector("a");
    if (link) { link.focus({ preventScroll: true }); }
    next.scrollIntoView({ block: "nearest" });
  }

  // The button for a key: inside the selected item when one is selected (nothing there, no
  // action: "m" on one report must not mark the whole story read), else the page's own;
  // ``page``: a key of the page itself (follow, the original), whatever is selected.
  function press(key, page) {
    var scope = (!page && current()) || document;
    var target = scope.querySelector('[data-key="' + key + '"]');
    if (target) { target.click(); return true; }
    return false;
  }

  function toggleHelp(force) {
    var help = document.getElementById("keys");
    if (!help) { return; }
    help.hidden = typeof force === "boolean" ? !force : !help.hidden;
    if (!help.hidden) { help.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": case "Enter": {
        // Enter on a focused link, button or summary is that control's own (the selected
        // item's link has the focus after j and k, and follows itself)
        if (event.key === "Enter" && event.target !== document.body) { handled = false; break; }
        var item = current();
        var link = item && item.querySelector("h2 a, h3 a, a");
        if (link) { link.click(); } else { handled = false; }
        break;
      }
      case "m": handled = press("m"); break;
      case "s": handled = press("s"); break;
      case "f": handled = press("f", true); break;
      case "v": handled = press("v", true); break;
      case "/": {
        var search = document.getElementById("q") || document.getElementById("site-search");
        if (search) { search.focus(); search.select(); } else { handled = false; }
        break;
      }
      case "?": toggleHelp(); break;
      case "Escape": toggleHelp(false); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  // Marking, starring and following leave the reader on the page they were sent from: done
  // in place of the page (the form sent by fetch, then the page as it stands now loaded into
  // the same entry of the history), so that one Back leaves the page, as if nothing had
  // been sent. Sent as a page of its own, each was one more Back, and Back after "Mark
  // unread" opened the article again, marking it read. A form sent elsewhere (a merge, a
  // split), or a refusal (an expired form), goes as without this script.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var next = form.querySelector && form.querySelector('input[name="next"]');
    if (!next || !window.fetch || !window.URLSearchParams || (form.method || "").toLowerCase() !== "post") { return; }
    var target = new URL(next.value, window.location.href);
    if (target.origin !== window.location.origin || target.pathname !== window.location.pathname) { return; }
    event.preventDefault();
    var resend = function () { HTMLFormElement.prototype.submit.call(form); };
    window.fetch(form.action, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      body: new URLSearchParams(new FormData(form))
    }).then(function (answer) {
      if (answer.type !== "opaqueredirect") { resend(); return; }
      window.history.replaceState(window.history.state, "", target.pathname + target.search + target.hash);
      window.location.reload();
    }, resend);
  });

  // Back from marking or starring a report (the page reloads at #aNN): that report is still
  // the selected one, so the next key acts on it, not on the page's first.
  document.addEventListener("DOMContentLoaded", function () {
    var id = window.location.hash.slice(1);
    var target = /^a\d+$/.test(id) ? document.getElementById(id) : null;
    if (target && target.classList.contains("report")) {
      var folded = target.closest("details");
      if (folded) { folded.open = true; }  // a copy folded away, marked or starred: shown again
      target.classList.add("current");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var themeButton = document.getElementById("theme");
    if (themeButton) {
      var names = { "": "auto", light: "light", dark: "dark" };
      var label = function () { themeButton.textContent = "Theme: " + names[root.dataset.theme || ""]; };
      themeButton.hidden = false;
      label();
      themeButton.addEventListener("click", function () {
        var order = ["", "light", "dark"];
        var next = order[(order.indexOf(root.dataset.theme || "") + 1) % order.length];
        applyTheme(next);
        try { window.localStorage.setItem("progleton-theme", next); } catch (e) { /* private mode */ }
        label();
      });
    }
    var helpButton = document.getElementById("keys-button");
    if (helpButton) {
      helpButton.hidden = false;
      helpButton.addEventListener("click", function () { toggleHelp(); });
    }
    var close = document.getElementById("keys-close");
    if (close) { close.addEventListener("click", function () { toggleHelp(false); }); }
  });
}());
