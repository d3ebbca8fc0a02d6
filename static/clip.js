// Lantoa clip page: jump the player to a timecode, scrub with the storyboard.
(function () {
  "use strict";
  var player = document.getElementById("player");
  if (!player) return;
  document.querySelectorAll(".seek[data-t]").forEach(function (b) {
    b.addEventListener("click", function () {
      player.currentTime = Number(b.dataset.t);
      player.focus();
    });
  });
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
  sb.addEventListener("mousemove", function (e) {
    var r = sb.getBoundingClientRect();
    tile(Math.floor(((e.clientX - r.left) / r.width) * tiles));
  });
  sb.addEventListener("click", function (e) {
    var r = sb.getBoundingClientRect();
    var i = tile(Math.floor(((e.clientX - r.left) / r.width) * tiles));
    player.currentTime = i * interval;
  });
  player.addEventListener("timeupdate", function () { tile(Math.floor(player.currentTime / interval)); });
})();
