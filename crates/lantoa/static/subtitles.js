// The subtitle editor: the SRT text form becomes a cue list beside the
// player, kept in step with it (the cue playing is highlighted and drawn
// over the picture as it would be burned in), with keys to place cues on the
// playhead, split, merge, shift, fix and review them. Every change is
// checked by the server (the rules the approval applies), and the save sends
// the cues as JSON in the same form.
(function () {
  "use strict";
  var root = document.getElementById("subs-editor");
  if (!root) return;
  var video = document.getElementById("player");
  var list = document.getElementById("cue-list");
  var issuesEl = document.getElementById("issues");
  var preview = document.getElementById("cue-preview");
  var wave = document.getElementById("wave");
  var waveCues = document.getElementById("wave-cues");
  var playhead = document.getElementById("playhead");
  var form = document.getElementById("save-form");
  var readonly = root.dataset.readonly === "1";
  var cues = JSON.parse(root.dataset.cues || "[]");
  var issues = JSON.parse(root.dataset.issues || "[]");
  var duration = Number(root.dataset.duration) || 0;
  var selected = cues.length ? 0 : -1;
  var dirty = false;
  var STEP = 100;

  document.getElementById("srt-label").hidden = true;
  list.hidden = false;
  var tools = document.getElementById("cue-tools");
  if (tools) tools.hidden = false;

  function fmt(ms) {
    var s = Math.max(0, ms) / 1000;
    var m = Math.floor(s / 60);
    var r = (s - m * 60).toFixed(3);
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function now() { return Math.round(video.currentTime * 1000); }
  function total() { return duration || Math.round((video.duration || 0) * 1000) || 1; }

  function changed() {
    dirty = true;
    cues.sort(function (a, b) { return a.start_ms - b.start_ms; });
    render();
    check();
  }

  var timer = null;
  function check() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(root.dataset.check, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": root.dataset.csrf },
        body: JSON.stringify({ cues: cues }),
        credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (got) { if (got) { issues = got; render(); } });
    }, 250);
  }

  function issuesOf(i) { return issues.filter(function (x) { return x.index === i; }); }

  function render() {
    list.textContent = "";
    cues.forEach(function (c, i) {
      var li = document.createElement("li");
      li.className = "cue" + (i === selected ? " selected" : "") + (c.draft ? " draft" : "");
      li.dataset.index = i;
      var head = document.createElement("div");
      head.className = "cue-head";
      var t = document.createElement("button");
      t.type = "button";
      t.className = "link seek";
      t.textContent = (i + 1) + " · " + fmt(c.start_ms) + " → " + fmt(c.end_ms);
      t.addEventListener("click", function () { select(i, true); });
      head.appendChild(t);
      if (c.draft) {
        var d = document.createElement("span");
        d.className = "tag off";
        d.textContent = root.dataset.draftLabel || "bản nháp máy";
        if (c.confidence != null) d.textContent += " · " + Math.round(c.confidence * 100) + " %";
        head.appendChild(d);
        if (!readonly) {
          var ok = document.createElement("button");
          ok.type = "button";
          ok.className = "link";
          ok.dataset.reviewed = i;
          ok.textContent = "✓";
          ok.title = "R";
          ok.addEventListener("click", function () { reviewed(i); });
          head.appendChild(ok);
        }
      }
      li.appendChild(head);
      var ta = document.createElement("textarea");
      ta.rows = 2;
      ta.value = c.text;
      ta.readOnly = readonly;
      ta.setAttribute("aria-label", String(i + 1));
      ta.addEventListener("focus", function () { select(i, false); });
      ta.addEventListener("input", function () { c.text = ta.value; c.draft = false; dirty = true; check(); });
      li.appendChild(ta);
      var found = issuesOf(i);
      if (found.length) {
        var ul = document.createElement("ul");
        ul.className = "problems";
        found.forEach(function (x) {
          var it = document.createElement("li");
          it.className = x.error ? "bad" : "warn";
          it.textContent = x.message + " ";
          if (x.fixed != null && !readonly) {
            var b = document.createElement("button");
            b.type = "button";
            b.className = "fix";
            b.textContent = root.dataset.fixLabel || "Sửa";
            b.addEventListener("click", function () { fix(i, x); });
            it.appendChild(b);
          }
          ul.appendChild(it);
        });
        li.appendChild(ul);
      }
      list.appendChild(li);
    });
    issuesEl.textContent = "";
    issues.filter(function (x) { return x.index >= cues.length; }).forEach(function (x) {
      var it = document.createElement("li");
      it.textContent = x.message;
      issuesEl.appendChild(it);
    });
    drawWave();
    follow();
  }

  function drawWave() {
    if (!waveCues) return;
    waveCues.textContent = "";
    var T = total();
    cues.forEach(function (c, i) {
      var b = document.createElement("div");
      b.className = "wave-cue" + (i === selected ? " selected" : "");
      b.style.left = (c.start_ms / T * 100) + "%";
      b.style.width = (Math.max(0, c.end_ms - c.start_ms) / T * 100) + "%";
      b.title = c.text;
      waveCues.appendChild(b);
    });
  }

  function select(i, seek) {
    if (i < 0 || i >= cues.length) return;
    selected = i;
    list.querySelectorAll("li.cue").forEach(function (li) {
      li.classList.toggle("selected", Number(li.dataset.index) === i);
    });
    if (waveCues) drawWave();
    if (seek) video.currentTime = cues[i].start_ms / 1000 + 0.001;
    var li = list.querySelector('li.cue[data-index="' + i + '"]');
    if (li) li.scrollIntoView({ block: "nearest" });
  }

  function follow() {
    var t = now();
    var playing = -1;
    cues.forEach(function (c, i) { if (t >= c.start_ms && t < c.end_ms) playing = i; });
    list.querySelectorAll("li.cue").forEach(function (li) {
      li.classList.toggle("now", Number(li.dataset.index) === playing);
    });
    preview.textContent = playing >= 0 ? cues[playing].text : "";
    preview.hidden = playing < 0;
    if (playhead) playhead.style.left = (t / total() * 100) + "%";
    return playing;
  }

  function fix(i, x) {
    cues[i].text = x.fixed;
    changed();
  }
  function reviewed(i) {
    cues[i].draft = false;
    changed();
  }

  var actions = {
    "new": function () {
      var t = now();
      var next = cues.filter(function (c) { return c.start_ms > t; })[0];
      var end = Math.min(t + 2000, next ? next.start_ms : t + 2000, total());
      cues.push({ start_ms: t, end_ms: Math.max(end, t + 500), text: "" });
      changed();
      selected = cues.findIndex(function (c) { return c.start_ms === t; });
      select(selected, false);
      var ta = list.querySelector('li.cue[data-index="' + selected + '"] textarea');
      if (ta) ta.focus();
    },
    split: function () {
      var c = cues[selected];
      var t = now();
      if (!c || t <= c.start_ms || t >= c.end_ms) return;
      var words = c.text.split(/\s+/);
      var at = Math.max(1, Math.round(words.length * (t - c.start_ms) / (c.end_ms - c.start_ms)));
      var second = { start_ms: t, end_ms: c.end_ms, text: words.slice(at).join(" "), draft: c.draft };
      c.end_ms = t;
      c.text = words.slice(0, at).join(" ");
      cues.push(second);
      changed();
    },
    merge: function () {
      var c = cues[selected], n = cues[selected + 1];
      if (!c || !n) return;
      c.end_ms = Math.max(c.end_ms, n.end_ms);
      c.text = (c.text + "\n" + n.text).trim();
      c.draft = c.draft || n.draft;
      cues.splice(selected + 1, 1);
      changed();
    },
    earlier: function () { shift(-STEP); },
    later: function () { shift(STEP); },
    "delete": function () {
      if (selected < 0) return;
      cues.splice(selected, 1);
      selected = Math.min(selected, cues.length - 1);
      changed();
    }
  };
  function shift(d) {
    var c = cues[selected];
    if (!c) return;
    c.start_ms = Math.max(0, c.start_ms + d);
    c.end_ms = Math.max(c.start_ms + 1, c.end_ms + d);
    changed();
  }
  // The whole track at once: subtitles made for an earlier cut of the clip.
  function shiftAll(d) {
    if (!cues.length || cues[0].start_ms + d < 0) return;
    cues.forEach(function (c) { c.start_ms += d; c.end_ms += d; });
    changed();
  }
  function setIn() {
    var c = cues[selected];
    if (!c) return;
    c.start_ms = now();
    if (c.end_ms <= c.start_ms) c.end_ms = c.start_ms + 1000;
    changed();
  }
  function setOut() {
    var c = cues[selected];
    if (!c) return;
    c.end_ms = Math.max(now(), c.start_ms + 1);
    changed();
  }
  if (tools) tools.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-do]");
    if (b && actions[b.dataset.do]) actions[b.dataset.do]();
  });

  document.addEventListener("keydown", function (e) {
    var inField = /^(TEXTAREA|INPUT|SELECT)$/.test(e.target.tagName);
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      if (!readonly) form.requestSubmit();
      return;
    }
    if (inField) {
      if (e.key === "Escape") { e.target.blur(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var k = e.key;
    var handled = true;
    if (k === " " || k === "k" || k === "K") { if (video.paused) video.play(); else video.pause(); }
    else if (k === "ArrowDown") select(Math.min(selected + 1, cues.length - 1), true);
    else if (k === "ArrowUp") select(Math.max(selected - 1, 0), true);
    else if (readonly) handled = false;
    else if (k === "i" || k === "I") setIn();
    else if (k === "o" || k === "O") setOut();
    else if (k === "n" || k === "N") actions["new"]();
    else if (k === "s" || k === "S") actions.split();
    else if (k === "m" || k === "M") actions.merge();
    else if (k === "[") shift(-STEP);
    else if (k === "]") shift(STEP);
    else if (k === "{") shiftAll(-STEP);
    else if (k === "}") shiftAll(STEP);
    else if (k === "r" || k === "R") { if (selected >= 0) reviewed(selected); }
    else if (k === "f" || k === "F") {
      var x = issuesOf(selected).filter(function (y) { return y.fixed != null; })[0];
      if (x) fix(selected, x);
    }
    else if (k === "Enter") {
      var ta = list.querySelector('li.cue[data-index="' + selected + '"] textarea');
      if (ta) ta.focus();
    }
    else if (k === "Delete" && e.shiftKey) actions["delete"]();
    else handled = false;
    if (handled) e.preventDefault();
  });

  video.addEventListener("timeupdate", follow);
  video.addEventListener("seeked", follow);
  video.addEventListener("loadedmetadata", function () { drawWave(); follow(); });
  if (wave) {
    wave.addEventListener("click", function (e) {
      var r = wave.getBoundingClientRect();
      video.currentTime = (e.clientX - r.left) / r.width * total() / 1000;
    });
  }
  var zones = document.getElementById("zones");
  document.getElementById("show-zones").addEventListener("change", function (e) {
    zones.hidden = !e.target.checked;
  });
  // The preview's size follows the picture's height, as the burned text does.
  function size() {
    preview.style.fontSize = (video.clientHeight * Number(getComputedStyle(preview).getPropertyValue("--subs-size")) / 100) + "px";
  }
  new ResizeObserver(size).observe(video);

  form.addEventListener("submit", function () {
    document.getElementById("cues-json").value = JSON.stringify(cues);
    document.getElementById("srt").value = "";
    dirty = false;
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
  render();
})();
