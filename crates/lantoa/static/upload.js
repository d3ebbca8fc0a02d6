// Lantoa upload page: resumable upload with tus-js-client. Survives lost
// connections (automatic retries) and page reloads (the upload URL is kept in
// localStorage, keyed by the file's fingerprint, and resumed from the server's offset).
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.tus) return;
  var d = form.dataset;
  var fileInput = document.getElementById("file");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var startBtn = document.getElementById("upload-start");
  var pauseBtn = document.getElementById("upload-pause");
  var resumeBtn = document.getElementById("upload-resume");
  var upload = null;

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "alert" : "";
  }
  function value(id) {
    var el = document.getElementById(id);
    return el ? el.value : "";
  }
  function show(el, on) { el.hidden = !on; }

  function metadata(file) {
    var m = { filename: file.name, filetype: file.type || "video/mp4", agency_id: d.agency };
    if (d.clip) {
      m.clip_id = d.clip;
    } else {
      m.title = value("title");
      m.category = value("category");
      m.caption = value("caption");
      if (value("campaign")) m.campaign_id = value("campaign");
      var submit = document.getElementById("submit-after");
      if (submit && submit.checked) m.submit = "1";
    }
    return m;
  }

  function begin(file) {
    upload = new tus.Upload(file, {
      endpoint: "/api/v1/uploads",
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      removeFingerprintOnSuccess: true,
      storeFingerprintForResuming: true,
      headers: { "X-CSRF-Token": d.csrf },
      metadata: metadata(file),
      onProgress: function (sent, total) {
        var pct = total ? Math.floor((sent / total) * 100) : 0;
        bar.value = pct;
        say(pct + " % (" + (sent / 1048576).toFixed(1) + " / " + (total / 1048576).toFixed(1) + " MB)");
      },
      onError: function (err) {
        var msg = d.msgFailed;
        var res = err && err.originalResponse;
        if (res) {
          try { msg = JSON.parse(res.getBody()).message || msg; } catch (e) { /* not JSON */ }
        } else if (!navigator.onLine) {
          msg = d.msgOffline;
        }
        say(msg, true);
        show(pauseBtn, false);
        show(resumeBtn, true);
        // A lost connection is not the person's doing: try again by itself
        // when the network is back (and every 15 s meanwhile). A refusal
        // from the server is final until they act.
        failed = !res;
      },
      onSuccess: function () {
        failed = false;
        done = true;
        bar.value = 100;
        say(d.msgDone);
        show(pauseBtn, false);
        // Ask the server where the finished clip is, then go there.
        fetch(upload.url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" }, credentials: "same-origin" })
          .then(function (r) {
            var id = r.headers.get("Lantoa-Clip-Id");
            if (id) window.location.href = "/a/" + d.agency + "/clips/" + id;
          });
      },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        say(d.msgResumed);
      }
      upload.start();
      show(bar, true);
      show(startBtn, false);
      show(pauseBtn, true);
    });
  }

  var failed = false, pausedByHand = false, done = false;
  function again() {
    if (!upload || done || pausedByHand || !failed || !navigator.onLine) return;
    failed = false;
    say(d.msgBack);
    upload.start();
    show(resumeBtn, false);
    show(pauseBtn, true);
  }
  window.addEventListener("online", again);
  setInterval(again, 15000);

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var file = fileInput.files && fileInput.files[0];
    if (!file) return;
    if (file.size > Number(d.max)) { say(d.msgTooLarge, true); return; }
    begin(file);
  });
  pauseBtn.addEventListener("click", function () {
    if (!upload) return;
    pausedByHand = true;
    upload.abort();
    show(pauseBtn, false);
    show(resumeBtn, true);
  });
  resumeBtn.addEventListener("click", function () {
    if (!upload) return;
    pausedByHand = false;
    failed = false;
    upload.start();
    show(resumeBtn, false);
    show(pauseBtn, true);
  });
})();
