// Lantoa clip page: drawing on the paused frame with a comment, and showing a
// comment's drawing over the frame it is pinned to.
//
// Shapes are kept as fractions 0..1 of the video's picture (not of the
// player box, which letterboxes it), so a drawing made on a phone lands on
// the same spot on a desk. The comment form posts them as JSON text in its
// hidden `drawing` field; the server checks them (domain::Drawing).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var player = document.getElementById("player");
  var overlay = document.getElementById("overlay");
  if (!player || !overlay) return;

  var tools = document.getElementById("draw-tools");
  var field = document.getElementById("comment-drawing");
  var bar = document.getElementById("draw-bar");
  var count = document.getElementById("draw-count");
  var clear = document.getElementById("draw-clear");
  var done = document.getElementById("draw-done");
  var useTime = document.getElementById("use-time");
  var max = tools ? Number(tools.dataset.max) || 20 : 20;
  var atField = document.getElementById("comment-at");
  var fps = (atField && Number(atField.dataset.fps)) || 25;

  var draft = [];        // the shapes of the comment being written
  var tool = null;       // "rect" or "arrow" while drawing
  var current = null;    // the shape under the pointer
  var draftAt = null;    // the player's time the draft was drawn at
  var shown = null;      // a comment's shapes being shown, and its time
  var box = null;        // the picture inside the player, in player pixels

  // The picture's rectangle inside the player element (object-fit: contain).
  function picture() {
    var vw = player.videoWidth, vh = player.videoHeight;
    var ew = player.clientWidth, eh = player.clientHeight;
    if (!vw || !vh || !ew || !eh) return null;
    var s = Math.min(ew / vw, eh / vh);
    var w = vw * s, h = vh * s;
    return { left: player.offsetLeft + (ew - w) / 2, top: player.offsetTop + (eh - h) / 2, w: w, h: h };
  }

  function el(name, attrs) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // One shape as SVG in picture pixels: a dark halo under red ink, so that it
  // reads on any picture.
  function shape(s, w, h) {
    var g = el("g", { "class": "shape", "data-k": s.k });
    var x1 = s.x1 * w, y1 = s.y1 * h, x2 = s.x2 * w, y2 = s.y2 * h;
    var width = Math.max(2, Math.min(w, h) * 0.008);
    [["halo", width + 2.5], ["ink", width]].forEach(function (layer) {
      var cls = layer[0], sw = layer[1];
      if (s.k === "rect") {
        g.appendChild(el("rect", {
          "class": cls, "stroke-width": sw,
          x: Math.min(x1, x2), y: Math.min(y1, y2),
          width: Math.abs(x2 - x1), height: Math.abs(y2 - y1)
        }));
        return;
      }
      var len = Math.hypot(x2 - x1, y2 - y1) || 1;
      var head = Math.min(len, Math.max(10, Math.min(w, h) * 0.045));
      var ux = (x2 - x1) / len, uy = (y2 - y1) / len;
      var bx = x2 - ux * head, by = y2 - uy * head;
      g.appendChild(el("line", { "class": cls, "stroke-width": sw, x1: x1, y1: y1, x2: bx, y2: by }));
      var half = head * 0.5;
      var pts = [[x2, y2], [bx - uy * half, by + ux * half], [bx + uy * half, by - ux * half]];
      g.appendChild(el("polygon", {
        "class": cls + " head", "stroke-width": cls === "halo" ? 2.5 : 0,
        points: pts.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" ")
      }));
    });
    return g;
  }

  // Lays the overlay over the picture and draws what is to be seen: the
  // draft while drawing, else a chosen comment's shapes, else nothing.
  function render() {
    var shapes = tool ? draft.concat(current ? [current] : []) : shown ? shown.shapes : null;
    overlay.toggleAttribute("hidden", !shapes);
    overlay.textContent = "";
    box = picture();
    if (!shapes || !box) return;
    overlay.style.left = box.left + "px";
    overlay.style.top = box.top + "px";
    overlay.setAttribute("width", box.w);
    overlay.setAttribute("height", box.h);
    overlay.setAttribute("viewBox", "0 0 " + box.w + " " + box.h);
    shapes.forEach(function (s) { overlay.appendChild(shape(s, box.w, box.h)); });
  }

  // ---- Showing a comment's drawing --------------------------------------

  function show(shapes) {
    shown = shapes ? { shapes: shapes, at: player.currentTime } : null;
    render();
  }

  // A comment's time (or its drawing's mark, or its marker on the timeline)
  // seeks there (clip.js); its shapes are shown until playback resumes, the
  // player leaves that frame or another comment is chosen.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".seek[data-t], #markers .marker");
    if (!b) return;
    stopDrawing(false);
    var shapes = null;
    try { shapes = b.dataset.drawing ? JSON.parse(b.dataset.drawing) : null; } catch (err) { shapes = null; }
    show(Array.isArray(shapes) && shapes.length ? shapes : null);
  });
  player.addEventListener("play", function () {
    stopDrawing(false);
    show(null);
  });
  // Leaving the frame (a key, the storyboard) puts the drawing away.
  player.addEventListener("seeked", function () {
    var away = function (t) { return Math.abs(player.currentTime - t) > Math.max(1.5 / fps, 0.08); };
    if (tool && draft.length && draftAt !== null && away(draftAt)) stopDrawing(false);
    if (shown && away(shown.at)) show(null);
  });
  if (window.ResizeObserver) new ResizeObserver(render).observe(player);
  else window.addEventListener("resize", render);
  player.addEventListener("loadedmetadata", render);

  // ---- Drawing (only for people who may comment) -------------------------

  if (!tools || !field || !bar) return;
  tools.hidden = false;

  function save() {
    field.value = draft.length ? JSON.stringify(draft) : "";
    count.textContent = String(draft.length);
    count.parentNode.classList.toggle("full", draft.length >= max);
    clear.disabled = draft.length === 0;
  }
  try {
    var kept = field.value ? JSON.parse(field.value) : [];
    if (Array.isArray(kept)) draft = kept.slice(0, max);
  } catch (err) { draft = []; }
  save();

  function press() {
    bar.querySelectorAll(".tool").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.tool === tool ? "true" : "false");
    });
  }

  function startDrawing(kind) {
    shown = null;
    player.pause();
    if (!draft.length) {
      // The comment's time becomes the frame drawn on.
      if (useTime) useTime.click();
      draftAt = player.currentTime;
    } else if (draftAt === null) {
      // A drawing given back with a refused comment: its time is as typed.
      draftAt = player.currentTime;
    } else if (Math.abs(player.currentTime - draftAt) > 0.001) {
      // More shapes on the frame the others were drawn on.
      player.currentTime = draftAt;
    }
    var first = !tool;
    tool = kind;
    press();
    overlay.classList.add("drawing");
    bar.classList.add("floating");
    done.hidden = false;
    render();
    if (first) player.scrollIntoView({ block: "center" });
  }

  function stopDrawing(backToForm) {
    if (!tool) return;
    tool = null;
    current = null;
    press();
    overlay.classList.remove("drawing");
    bar.classList.remove("floating");
    done.hidden = true;
    // The draft stays in sight on its frame until playback resumes.
    shown = draft.length ? { shapes: draft.slice(), at: player.currentTime } : null;
    render();
    if (backToForm) {
      var body = document.querySelector("#comment-form textarea[name=body]");
      if (body) { body.focus({ preventScroll: true }); body.scrollIntoView({ block: "center" }); }
    }
  }

  bar.querySelectorAll(".tool").forEach(function (b) {
    b.addEventListener("click", function () {
      if (tool === b.dataset.tool) stopDrawing(false);
      else startDrawing(b.dataset.tool);
    });
  });
  done.addEventListener("click", function () { stopDrawing(true); });
  clear.addEventListener("click", function () {
    draft = [];
    draftAt = null;
    save();
    if (!tool) shown = null;
    render();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && tool) stopDrawing(false);
  });
  var form = document.getElementById("comment-form");
  if (form) form.addEventListener("submit", function () { stopDrawing(false); });

  // A point of the pointer as fractions of the picture, kept inside it.
  function at(e) {
    var r = overlay.getBoundingClientRect();
    var f = function (v, size) { return Math.round(Math.max(0, Math.min(1, v / size)) * 10000) / 10000; };
    return { x: f(e.clientX - r.left, r.width), y: f(e.clientY - r.top, r.height) };
  }

  overlay.addEventListener("pointerdown", function (e) {
    if (!tool || draft.length >= max || e.button > 0) return;
    e.preventDefault();
    if (overlay.setPointerCapture) overlay.setPointerCapture(e.pointerId);
    var p = at(e);
    current = { k: tool, x1: p.x, y1: p.y, x2: p.x, y2: p.y };
    render();
  });
  overlay.addEventListener("pointermove", function (e) {
    if (!current) return;
    var p = at(e);
    current.x2 = p.x;
    current.y2 = p.y;
    render();
  });
  overlay.addEventListener("pointerup", function () {
    if (!current) return;
    // A tap or a slip of a few pixels draws nothing.
    var big = box && (Math.abs(current.x2 - current.x1) * box.w >= 6 || Math.abs(current.y2 - current.y1) * box.h >= 6);
    if (big) draft.push(current);
    current = null;
    save();
    render();
  });
  overlay.addEventListener("pointercancel", function () {
    current = null;
    render();
  });
})();
