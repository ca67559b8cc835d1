/* Sightline live updates: what htmx does not. Pages work without it.
 *
 * 1. A fragment that refreshes itself (a thread, the backlog's cards) is
 *    never swapped while the person has typed into a form inside it: the
 *    swap is held back and a note says new changes are waiting.
 * 2. The first keystroke in a form of an item's page (then at most every
 *    20 s) tells the others "… is editing" (POST to the body's
 *    data-presence address; same-origin, so the CSRF check passes).
 */
(function () {
  "use strict";

  function dirty(root) {
    var els = root.querySelectorAll("input, textarea, select");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === "hidden" || el.type === "submit" || el.type === "button") continue;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked !== el.defaultChecked) return true;
      } else if (el.tagName === "SELECT") {
        for (var j = 0; j < el.options.length; j++) {
          if (el.options[j].selected !== el.options[j].defaultSelected) return true;
        }
      } else if (el.value !== el.defaultValue) {
        return true;
      }
    }
    return false;
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (!target || !dirty(target)) return;
    evt.detail.shouldSwap = false;
    if (target.querySelector(".live-pending")) return;
    var note = document.createElement("p");
    note.className = "live-pending flash flash-info";
    note.setAttribute("role", "status");
    note.setAttribute("data-testid", "live-pending");
    note.textContent = "Others changed this while you were typing. Your text is kept; the changes show once you save or reload.";
    target.insertBefore(note, target.firstChild);
  });

  var lastPing = 0;
  document.addEventListener("input", function (evt) {
    var url = document.body.getAttribute("data-presence");
    if (!url || !evt.target.form) return;
    var now = Date.now();
    if (now - lastPing < 20000) return;
    lastPing = now;
    fetch(url, { method: "POST", credentials: "same-origin" }).catch(function () {});
  });
})();
