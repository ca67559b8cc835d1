/* Sightline live updates: what htmx does not. Pages work without it.
 *
 * 1. A fragment that refreshes itself (a thread, the backlog's cards) is
 *    never swapped while the person has typed into a form inside it: the
 *    swap is held back and a note says new changes are waiting.
 * 2. The first keystroke in a form of an item's page (then at most every
 *    20 s) tells the others "… is editing" (POST to the body's
 *    data-presence address; same-origin, so the CSRF check passes).
 * 4. "/" outside a field focuses the header's search box.
 * 3. Typing "@" and a few letters in a text area shows the members whose
 *    handle or name match (from the body's data-mentions address); arrows
 *    move, Enter or Tab or a click puts "@handle " in, Escape closes.
 *    Without it, a person types the handle; it works the same.
 * 5. Leaving a page closes its event stream. Pages carry a tag and may be
 *    revalidated rather than refetched (issue 12), so the browser may keep
 *    a page it leaves in its back/forward cache; a kept page's open stream
 *    would hold one of the six connections a browser opens to a host, and
 *    after a few pages the next one would wait forever. A page brought back
 *    from that cache reloads (a revalidation: a 304 when nothing changed),
 *    so it shows what changed meanwhile and opens a new stream.
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

  var box = null, field = null, items = [], active = -1, start = -1, seq = 0;

  function closeBox() {
    if (box) box.remove();
    if (field) {
      field.removeAttribute("aria-activedescendant");
      field.setAttribute("aria-expanded", "false");
    }
    box = null; items = []; active = -1; start = -1;
  }

  function mark(i) {
    if (!box) return;
    var opts = box.querySelectorAll("[role=option]");
    for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === i ? "true" : "false");
    active = i;
    if (i >= 0) field.setAttribute("aria-activedescendant", opts[i].id);
  }

  function choose(i) {
    var h = items[i] && items[i].handle;
    if (!h || start < 0) return closeBox();
    var v = field.value, caret = field.selectionStart;
    field.value = v.slice(0, start) + "@" + h + " " + v.slice(caret);
    var at = start + h.length + 2;
    field.setSelectionRange(at, at);
    closeBox();
    field.focus();
  }

  function show(list) {
    closeBox();
    if (!list.length) return;
    items = list;
    box = document.createElement("ul");
    box.className = "mention-suggest";
    box.id = "mention-suggest";
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", "People to mention");
    box.setAttribute("data-testid", "mention-suggest");
    list.forEach(function (m, i) {
      var li = document.createElement("li");
      li.id = "mention-opt-" + i;
      li.setAttribute("role", "option");
      li.textContent = "@" + m.handle + " — " + m.name + " (" + m.role + ")";
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      box.appendChild(li);
    });
    field.insertAdjacentElement("afterend", box);
    field.setAttribute("aria-controls", box.id);
    field.setAttribute("aria-expanded", "true");
    mark(0);
  }

  document.addEventListener("input", function (evt) {
    var url = document.body.getAttribute("data-mentions");
    var el = evt.target;
    if (!url || el.tagName !== "TEXTAREA") return;
    field = el;
    var before = el.value.slice(0, el.selectionStart);
    var m = /(^|[^\w@.])@([a-zA-Z0-9._-]{0,30})$/.exec(before);
    if (!m) return closeBox();
    var at = before.length - m[2].length - 1, mine = ++seq;
    fetch(url + "?q=" + encodeURIComponent(m[2]), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (list) { if (mine === seq) { show(list); start = at; } })
      .catch(function () {});
  });

  document.addEventListener("keydown", function (evt) {
    if (!box || evt.target !== field) return;
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      var n = items.length;
      mark((active + (evt.key === "ArrowDown" ? 1 : n - 1)) % n);
    } else if (evt.key === "Enter" || evt.key === "Tab") {
      evt.preventDefault();
      choose(active < 0 ? 0 : active);
    } else if (evt.key === "Escape") {
      closeBox();
    }
  });

  document.addEventListener("focusout", function (evt) {
    if (evt.target === field) setTimeout(closeBox, 100);
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "/" || evt.ctrlKey || evt.metaKey || evt.altKey) return;
    var t = evt.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("site-search");
    if (!box) return;
    evt.preventDefault();
    box.focus();
  });

  var streams = [];
  if (window.htmx && typeof htmx.createEventSource === "function") {
    var open = htmx.createEventSource;
    htmx.createEventSource = function (url) {
      var source = open(url);
      streams.push(source);
      return source;
    };
  }
  window.addEventListener("pagehide", function () {
    for (var i = 0; i < streams.length; i++) streams[i].close();
    streams = [];
  });
  window.addEventListener("pageshow", function (evt) {
    if (evt.persisted && document.body.hasAttribute("sse-connect")) location.reload();
  });
})();
