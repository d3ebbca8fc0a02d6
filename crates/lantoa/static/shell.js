// The page shell on a phone: the menu folds behind one button, so the page's
// own content starts at the top. Without script the menu simply stays open
// and every section is unfolded.
(function () {
  'use strict';
  // On a phone, long reference sections (the media report, the history) start
  // folded, so that the decision is near the top; a tap opens them.
  if (window.matchMedia && window.matchMedia('(max-width: 47.99rem)').matches) {
    document.querySelectorAll('details.fold').forEach(function (d) { d.open = false; });
  }
  var top = document.querySelector('header.top');
  var toggle = document.getElementById('menu-toggle');
  if (!top || !toggle) return;
  top.classList.add('collapsible');
  toggle.hidden = false;
  toggle.addEventListener('click', function () {
    var open = top.classList.toggle('open');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
})();
