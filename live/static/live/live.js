// A live story's page asks for new entries every data-live-interval seconds
// (live.views.updates: a small cached JSON document, 304 when nothing
// changed), while the tab is visible, and puts them in place: pinned first,
// then newest first. New entries are announced in the polite live region,
// and their embeds get the click-to-load button of those on the page at load
// (articles/static/articles/embeds.js, loaded before this script).
// Without this script the page still shows every entry as of its load.
(function () {
  "use strict";
  var section = document.querySelector("[data-live-updates]");
  if (!section || !window.fetch) return;
  var list = section.querySelector("[data-live-list]");
  var announce = section.querySelector("[data-live-announce]");
  var url = section.getAttribute("data-live-updates");
  var cursor = section.getAttribute("data-live-cursor") || "0";
  var seconds = parseFloat(section.getAttribute("data-live-interval")) || 10;
  var timer = null;
  var stopped = false;
  var busy = false;

  function key(node) {
    return [node.getAttribute("data-pinned") === "1" ? 1 : 0,
            node.getAttribute("data-posted") || "",
            parseInt(node.getAttribute("data-entry"), 10) || 0];
  }

  function before(a, b) {  // does a come before b: pinned, newer, higher id
    var ka = key(a), kb = key(b);
    for (var i = 0; i < 3; i++) {
      if (ka[i] !== kb[i]) return ka[i] > kb[i];
    }
    return false;
  }

  function place(node) {
    var children = list.children;
    for (var i = 0; i < children.length; i++) {
      if (children[i] !== node && before(node, children[i])) {
        move(node, children[i]);
        return;
      }
    }
    move(node, null);
  }

  function move(node, next) {
    if (node.parentNode === list && node.nextElementSibling === next) return;
    // moveBefore keeps a video the reader is watching playing; taking its
    // frame out of the page and putting it back would reload it.
    if (node.parentNode === list && list.moveBefore) {
      list.moveBefore(node, next);
    } else {
      list.insertBefore(node, next);
    }
  }

  // The new version of an entry already on the page (corrected, pinned): it
  // takes the old one's place, but when the reader has loaded its video, the
  // old entry is changed around the player instead, which keeps playing.
  function refresh(old, node) {
    var playing = old.querySelector(":scope > figure.embed-loaded[data-embed-frame]");
    var fresh = null;
    if (playing) {
      var frame = playing.getAttribute("data-embed-frame");
      Array.prototype.forEach.call(node.children, function (child) {
        if (child.matches("figure.embed") &&
            child.getAttribute("data-embed-frame") === frame) fresh = child;
      });
    }
    if (!fresh) {
      old.replaceWith(node);
      return node;
    }
    Array.prototype.slice.call(old.childNodes).forEach(function (child) {
      if (child !== playing) child.remove();
    });
    var ahead = true;
    Array.prototype.slice.call(node.childNodes).forEach(function (child) {
      if (child === fresh) {
        ahead = false;
      } else if (ahead) {
        old.insertBefore(child, playing);
      } else {
        old.appendChild(child);
      }
    });
    ["class", "data-pinned", "data-posted"].forEach(function (name) {
      old.setAttribute(name, node.getAttribute(name) || "");
    });
    return old;
  }

  function apply(data) {
    var added = 0;
    (data.gone || []).forEach(function (id) {
      var old = document.getElementById("entry-" + id);
      if (old) old.remove();
    });
    (data.entries || []).slice().reverse().forEach(function (item) {
      var template = document.createElement("template");
      template.innerHTML = item.html.trim();
      var node = template.content.firstElementChild;
      if (!node) return;
      var old = document.getElementById("entry-" + item.id);
      if (old) {
        node = refresh(old, node);
      } else {
        node.classList.add("live-new");
        added += 1;
      }
      place(node);
      if (window.newsroomEmbeds) window.newsroomEmbeds.init(node);
    });
    if (added) {
      var empty = section.querySelector("[data-live-empty]");
      if (empty) empty.remove();
      announce.textContent = added === 1 ? "1 new update" : added + " new updates";
    }
    cursor = String(data.cursor);
    if (data.ended) stopped = true;
  }

  function poll() {
    timer = null;
    if (busy || stopped || document.hidden) return;
    busy = true;
    fetch(url + "?since=" + encodeURIComponent(cursor), {
      headers: { Accept: "application/json" },
      credentials: "omit",
    }).then(function (response) {
      if (response.status === 404 || response.status === 410) {
        stopped = true;  // no longer public: nothing more will come
        return null;
      }
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) apply(data);
    }).catch(function () {
      // Offline or a server error: try again at the next turn.
    }).then(function () {
      busy = false;
      schedule();
    });
  }

  function schedule() {
    if (!stopped && !document.hidden && timer === null) {
      timer = window.setTimeout(poll, seconds * 1000);
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (timer !== null) window.clearTimeout(timer);
      timer = null;
    } else if (timer === null) {
      poll();  // back on the tab: catch up now
    }
  });
  schedule();
})();
