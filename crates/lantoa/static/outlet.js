// The outlet's player: progressive enhancement of pages that work without
// it. In the feed, the clip in view plays muted (with a button to turn the
// sound on) and the others pause; arrow keys and j/k move between clips. The
// player picks the light copy on a slow or metered connection. It sends
// viewing beacons — a play, then the time watched and how far — unless the
// browser asks not to be tracked. No cookie, no storage, no identifier.
(function () {
  "use strict";
  var nav = navigator;
  var noTracking = nav.doNotTrack === "1" || window.doNotTrack === "1" || nav.globalPrivacyControl === true;
  var embedded = document.body.classList.contains("embedded");
  var feed = document.getElementById("reel");

  function slow() {
    var c = nav.connection || nav.mozConnection || nav.webkitConnection;
    if (!c) return window.matchMedia("(max-width: 600px)").matches;
    if (c.saveData) return true;
    if (/(^|-)2g$|^3g$/.test(c.effectiveType || "")) return true;
    return typeof c.downlink === "number" && c.downlink > 0 && c.downlink < 1.5;
  }

  function send(url, data) {
    if (noTracking) return;
    var body = JSON.stringify(data);
    try {
      if (nav.sendBeacon && nav.sendBeacon(url, new Blob([body], { type: "text/plain" }))) return;
    } catch (e) { /* fall through */ }
    try { fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit" }); } catch (e) { /* ignore */ }
  }

  function wire(v) {
    var token = v.dataset.token, url = v.dataset.beacon;
    var played = false, watched = 0, last = null, furthest = 0, timer = null;
    // The chosen source replaces the media-query choice.
    v.src = slow() ? v.dataset.light : v.dataset.full;
    function flush() {
      if (!played || watched < 250) return;
      send(url, { k: "time", t: token, w: Math.round(watched), p: Math.round(furthest * 1000) });
      watched = 0;
    }
    v.addEventListener("play", function () {
      if (!played) {
        played = true;
        send(url, { k: "play", t: token, r: document.referrer, e: embedded });
      }
      last = v.currentTime;
      if (!timer) timer = setInterval(flush, 10000);
    });
    v.addEventListener("timeupdate", function () {
      var t = v.currentTime;
      if (last !== null && !v.seeking) {
        var d = t - last;
        if (d > 0 && d < 1.5) watched += d * 1000;
      }
      last = t;
      if (t > furthest) furthest = t;
    });
    v.addEventListener("seeking", function () { last = null; });
    v.addEventListener("ended", function () { furthest = v.duration || furthest; flush(); });
    v.addEventListener("pause", function () { last = null; flush(); });
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
    window.addEventListener("pagehide", flush);
    var b = v.parentNode.querySelector(".unmute");
    if (b) {
      b.hidden = false;
      var label = function () { b.textContent = v.muted ? b.dataset.on : b.dataset.off; b.setAttribute("aria-pressed", String(!v.muted)); };
      b.addEventListener("click", function () { v.muted = !v.muted; if (!v.muted && v.paused) v.play(); label(); });
      v.addEventListener("volumechange", label);
      label();
    }
  }

  var videos = Array.prototype.slice.call(document.querySelectorAll("video.player"));
  videos.forEach(wire);

  if (feed && "IntersectionObserver" in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        var v = e.target;
        if (e.isIntersecting && e.intersectionRatio >= 0.6) {
          v.muted = true;
          var p = v.play();
          if (p && p.catch) p.catch(function () { /* autoplay refused: the controls remain */ });
        } else if (!v.paused) {
          v.pause();
        }
      });
    }, { threshold: [0, 0.6] });
    videos.forEach(function (v) { v.preload = "metadata"; io.observe(v); });
    var slides = function () { return Array.prototype.slice.call(feed.querySelectorAll(".slide")); };
    document.addEventListener("keydown", function (e) {
      var tag = (e.target && e.target.tagName) || "";
      if (/INPUT|TEXTAREA|SELECT/.test(tag)) return;
      var dir = (e.key === "ArrowDown" || e.key === "j" || e.key === "PageDown") ? 1
        : (e.key === "ArrowUp" || e.key === "k" || e.key === "PageUp") ? -1 : 0;
      if (!dir) return;
      var list = slides(), top = feed.scrollTop, i = 0;
      for (; i < list.length; i++) if (list[i].offsetTop >= top - 5) break;
      var next = list[Math.max(0, Math.min(list.length - 1, i + dir))];
      if (next) { e.preventDefault(); next.scrollIntoView({ behavior: "smooth" }); }
    });
  }
})();
