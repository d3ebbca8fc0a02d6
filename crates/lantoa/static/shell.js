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
  // The insights' section tabs (shown by CSS from the address's #): the open
  // one is marked for the eye and for screen readers.
  var tabs = document.querySelectorAll('nav.toc.tabs a');
  function markTab() {
    var open = location.hash || (tabs[0] && tabs[0].getAttribute('href'));
    tabs.forEach(function (a) {
      if (a.getAttribute('href') === open) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    });
  }
  if (tabs.length) {
    markTab();
    window.addEventListener('hashchange', markTab);
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
