// hubgen serve's page client, served at /__hubgen/client.js and never written to the site.
// It is a file, not an inline script, so previewed pages run under the same
// Content-Security-Policy (default-src 'self') as the published site.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = me ? me.getAttribute("data-version") : "0";

  // The overlay is a modal dialog: focus moves into it, Tab stays on its one button, Escape
  // or the button dismisses it and gives focus back to where it was.
  var overlay = document.getElementById("hubgen-overlay");
  if (overlay) {
    var box = overlay.querySelector(".hg-box");
    var button = document.getElementById("hubgen-overlay-close");
    var previous = document.activeElement;
    var key = function (e) {
      if (e.key === "Escape") {
        e.preventDefault();
        close();
      } else if (e.key === "Tab") {
        e.preventDefault();
        button.focus();
      }
    };
    var close = function () {
      document.removeEventListener("keydown", key, true);
      overlay.parentNode.removeChild(overlay);
      if (previous && previous.focus) previous.focus();
    };
    button.addEventListener("click", close);
    document.addEventListener("keydown", key, true);
    box.focus();
  }

  // `v` lets the server send a reload at once if a build finished between serving this page
  // and this script connecting.
  if (!window.EventSource) return;
  var source = new EventSource("/__hubgen/events?v=" + encodeURIComponent(version));
  source.addEventListener("reload", function () {
    source.close();
    location.reload();
  });
  // Only stylesheets changed: fetch this page again for their new fingerprinted addresses
  // and swap them in place, keeping the scroll position and anything typed.
  source.addEventListener("css", function () {
    fetch(location.href, { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        var next = fresh.querySelectorAll('link[rel="stylesheet"]');
        var now = document.querySelectorAll('link[rel="stylesheet"]');
        if (next.length !== now.length) throw new Error("stylesheets added or removed");
        for (var i = 0; i < now.length; i++) {
          if (now[i].getAttribute("href") !== next[i].getAttribute("href")) {
            now[i].setAttribute("href", next[i].getAttribute("href"));
          }
        }
      })
      .catch(function () { location.reload(); });
  });
})();
