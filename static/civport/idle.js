// The idle warning: a minute before the server's idle timeout, offer to stay logged in; at the
// timeout, reload, so that the server's login page (and its message) is shown. Any request the
// page makes (a click through, a form, an htmx update) counts as activity and restarts the count.
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) { return; }
  var idle = parseInt(box.dataset.idleSeconds, 10);
  if (!(idle > 60)) { return; }
  var warnTimer = null;
  var endTimer = null;

  function restart() {
    box.hidden = true;
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(function () { box.hidden = false; }, (idle - 60) * 1000);
    endTimer = window.setTimeout(function () { window.location.reload(); }, (idle + 2) * 1000);
  }

  var pinged = Date.now();
  function keepAlive() {
    // Any page of the portal renews the session; the user's own session list is light.
    pinged = Date.now();
    restart();
    window.fetch(box.dataset.keepaliveUrl, { credentials: "same-origin" });
  }

  document.getElementById("idle-stay").addEventListener("click", keepAlive);
  // Typing into a long form is activity too: tell the server, at most once a minute, so that
  // nothing typed is lost to the timeout.
  document.addEventListener("input", function () {
    if (Date.now() - pinged > 60 * 1000) { keepAlive(); }
  });
  document.body.addEventListener("htmx:afterRequest", restart);
  restart();
}());
