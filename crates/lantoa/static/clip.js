// Lantoa clip page: jump the player to a timecode, scrub with the storyboard,
// keyboard shortcuts, comment markers on the timeline, pin comments to the
// player's frame, keep the edit lock alive, and play two
// versions in sync on the compare page. Drawing on the frame: draw.js.
(function () {
  "use strict";
  var csrf = (function () {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"]; } catch (e) { return ""; }
  })();

  // Compare: the two players follow each other.
  var sync = Array.prototype.slice.call(document.querySelectorAll("video.sync"));
  if (sync.length === 2) {
    var busy = false;
    var follow = function (src, dst) {
      ["play", "pause", "seeked", "ratechange"].forEach(function (ev) {
        src.addEventListener(ev, function () {
          if (busy) return;
          busy = true;
          if (Math.abs(dst.currentTime - src.currentTime) > 0.04) dst.currentTime = src.currentTime;
          dst.playbackRate = src.playbackRate;
          if (ev === "play") dst.play().catch(function () {});
          if (ev === "pause") dst.pause();
          setTimeout(function () { busy = false; }, 0);
        });
      });
    };
    follow(sync[0], sync[1]);
    follow(sync[1], sync[0]);
    var play = document.getElementById("sync-play"), pause = document.getElementById("sync-pause");
    // The buttons start and stop both players themselves, at the same time,
    // rather than relying on one player's event reaching the other.
    if (play) play.addEventListener("click", function () {
      busy = true;
      sync[1].currentTime = sync[0].currentTime;
      sync.forEach(function (v) { v.play().catch(function () {}); });
      setTimeout(function () { busy = false; }, 0);
    });
    if (pause) pause.addEventListener("click", function () {
      busy = true;
      sync.forEach(function (v) { v.pause(); });
      setTimeout(function () { busy = false; }, 0);
    });
    // On a phone the two do not fit side by side: one at a time, and a
    // button flips to the other at the same instant (they stay in sync).
    var box = document.getElementById("compare"), flip = document.getElementById("ab-flip");
    if (box && flip && window.matchMedia) {
      var phone = window.matchMedia("(max-width: 47.99rem)");
      var fit = function () {
        box.classList.toggle("ab", phone.matches);
        flip.hidden = !phone.matches;
      };
      fit();
      phone.addEventListener("change", fit);
      flip.addEventListener("click", function () {
        var other = box.classList.toggle("show-b");
        flip.setAttribute("aria-pressed", other ? "true" : "false");
      });
    }
  }

  // Edit lock: taken on the first change, refreshed every minute while the page is open.
  var form = document.getElementById("edit-form");
  if (form && form.dataset.lock) {
    var locked = false;
    var beat = function () {
      fetch(form.dataset.lock, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "X-Lantoa-Heartbeat": "1" }
      }).catch(function () {});
    };
    form.addEventListener("input", function () {
      if (locked) return;
      locked = true;
      beat();
      setInterval(beat, 60000);
    });
  }

  var player = document.getElementById("player");
  if (!player) return;
  document.querySelectorAll(".seek[data-t]").forEach(function (b) {
    b.addEventListener("click", function () {
      player.currentTime = Number(b.dataset.t);
      player.pause();
      player.focus();
    });
  });

  // The cover: the frame on the player, in milliseconds, when the form goes.
  var coverForm = document.getElementById("cover-frame-form");
  var coverMs = document.getElementById("cover-frame-ms");
  if (coverForm && coverMs) {
    coverForm.hidden = false;
    coverForm.addEventListener("submit", function () {
      coverMs.value = String(Math.round(player.currentTime * 1000));
    });
  }

  // Comments: the player's current frame as mm:ss:ff.
  var at = document.getElementById("comment-at");
  var useTime = document.getElementById("use-time");
  function frameCode(t, fps) {
    var frame = Math.floor(t * fps + 1e-6);
    var secs = Math.floor(frame / fps);
    var ff = frame - Math.round(secs * fps);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(Math.floor(secs / 60)) + ":" + pad(secs % 60) + ":" + pad(Math.max(0, ff));
  }
  if (at && useTime) {
    var fps = Number(at.dataset.fps) || 30;
    useTime.addEventListener("click", function () {
      player.pause();
      at.value = frameCode(player.currentTime, fps);
    });
    player.addEventListener("pause", function () {
      if (!at.value) at.value = frameCode(player.currentTime, fps);
    });
  }

  // Keyboard, as in the editing tools: Space/K play or pause, J back 5 s,
  // L forward (again: 2x, 4x), arrows and , . one frame, Shift+arrows one
  // second, C comments at the frame shown. Never while typing.
  var stepFps = (at && Number(at.dataset.fps)) || 30;
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var el = document.activeElement;
    var tag = el && el.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (el && el.isContentEditable)) return;
    var step = function (by) {
      player.pause();
      player.currentTime = Math.max(0, Math.min(player.duration || Infinity, player.currentTime + by));
    };
    var k = e.key;
    if (k === " " || k === "k" || k === "K") {
      if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return;
      if (player.paused) { player.playbackRate = 1; player.play().catch(function () {}); } else { player.pause(); }
    } else if (k === "j" || k === "J") {
      player.currentTime = Math.max(0, player.currentTime - 5);
    } else if (k === "l" || k === "L") {
      if (player.paused) { player.playbackRate = 1; player.play().catch(function () {}); }
      else { player.playbackRate = Math.min(4, player.playbackRate * 2); }
    } else if (k === "ArrowLeft" || k === ",") {
      step(e.shiftKey ? -1 : -1 / stepFps);
    } else if (k === "ArrowRight" || k === ".") {
      step(e.shiftKey ? 1 : 1 / stepFps);
    } else if ((k === "c" || k === "C") && at) {
      player.pause();
      at.value = frameCode(player.currentTime, stepFps);
      var body = document.querySelector("#comment-form textarea[name=body]");
      if (body) { body.focus(); body.scrollIntoView({ block: "center" }); }
    } else {
      return;
    }
    e.preventDefault();
  });

  // Comment markers on a bar under the player, at each pinned comment's time.
  var markers = document.getElementById("markers");
  var drawMarkers = function () {
    if (!markers || !player.duration || !isFinite(player.duration)) return;
    markers.textContent = "";
    var pinned = document.querySelectorAll("#comments .thread .tc[data-t]");
    pinned.forEach(function (b) {
      var t = Number(b.dataset.t);
      var thread = b.closest(".thread");
      var m = document.createElement("button");
      m.type = "button";
      m.className = "marker" + (thread && thread.classList.contains("resolved") ? " resolved" : "");
      // A drawing goes with its marker (draw.js shows it on the frame).
      if (b.dataset.drawing) {
        m.dataset.drawing = b.dataset.drawing;
        m.className += " drawn";
      }
      m.style.left = Math.min(100, (t / player.duration) * 100) + "%";
      var text = thread && thread.querySelector(".comment p");
      m.title = b.textContent.trim() + (text ? " — " + text.textContent.trim().slice(0, 80) : "");
      m.setAttribute("aria-label", m.title);
      m.addEventListener("click", function () {
        player.currentTime = t;
        player.pause();
        if (thread) thread.scrollIntoView({ block: "nearest" });
      });
      markers.appendChild(m);
    });
    markers.hidden = pinned.length === 0;
  };
  if (player.readyState >= 1) drawMarkers();
  player.addEventListener("loadedmetadata", drawMarkers);

  var sb = document.getElementById("storyboard");
  if (!sb) return;
  var s = sb.dataset, cols = Number(s.cols), tw = Number(s.tw), th = Number(s.th);
  var tiles = Number(s.tiles), interval = Number(s.interval);
  sb.style.width = tw + "px";
  sb.style.height = th + "px";
  sb.style.backgroundImage = "url(" + s.src + ")";
  function tile(i) {
    i = Math.max(0, Math.min(tiles - 1, i));
    sb.style.backgroundPosition = -(i % cols) * tw + "px " + -Math.floor(i / cols) * th + "px";
    return i;
  }
  tile(0);
  // A pointer over it shows the frame under it; pressing (a click, a
  // finger) seeks there, and dragging goes on seeking: scrubbing with a
  // finger on a phone as with a mouse on a desk.
  function under(e) {
    var r = sb.getBoundingClientRect();
    return tile(Math.floor(((e.clientX - r.left) / r.width) * tiles));
  }
  var pressed = false;
  sb.addEventListener("pointerdown", function (e) {
    pressed = true;
    if (sb.setPointerCapture) sb.setPointerCapture(e.pointerId);
    player.currentTime = under(e) * interval;
  });
  sb.addEventListener("pointermove", function (e) {
    var i = under(e);
    if (pressed) player.currentTime = i * interval;
  });
  ["pointerup", "pointercancel"].forEach(function (ev) {
    sb.addEventListener(ev, function () { pressed = false; });
  });
  player.addEventListener("timeupdate", function () { tile(Math.floor(player.currentTime / interval)); });
})();

// The publishing panel polls while something is on its way; when the last
// channel settles, the page reloads once so the clip's state and actions follow.
document.addEventListener('htmx:afterSwap', (e) => {
  const target = e.detail && e.detail.target;
  if (!target || target.id !== 'publishing') return;
  const now = document.getElementById('publishing');
  if (now && !now.hasAttribute('hx-trigger')) window.location.reload();
});

// A form that cannot be undone with one click (publishing to every channel,
// spiking, taking down) asks first, in the page's words (`data-confirm`).
// Delegated, so forms swapped in by the publishing panel ask too.
document.addEventListener('submit', (e) => {
  const form = e.target;
  const ask = form && form.getAttribute && form.getAttribute('data-confirm');
  if (ask && !window.confirm(ask)) e.preventDefault();
});

// A refused form is answered with the clip page at the form's address: put the
// clip's own address back (a reload must not post again) and bring the
// refusal into view where it was shown.
(function () {
  const title = document.getElementById('clip-title');
  const home = title && title.getAttribute('data-canonical');
  if (home && window.location.pathname !== home) {
    window.history.replaceState(null, '', home);
  }
  const err = document.getElementById('comment-error') || document.getElementById('notice');
  if (err && home) err.scrollIntoView({ block: 'center' });
})();
