// Lantoa content calendar: drag a scheduled clip to another day inside its
// signed window. The days it may go to light up while dragging; the server
// checks again and its refusal is shown as it says it. Without script, each
// clip links to its page, where the time is changed in the schedule form.
(function () {
  'use strict';
  var cal = document.getElementById('calendar');
  if (!cal) return;
  var error = document.getElementById('cal-error');
  var feed = document.getElementById('cal-feed-url');
  if (feed) {
    feed.value = location.origin + feed.value;
    feed.addEventListener('focus', function () { feed.select(); });
  }
  var dragged = null;
  var days = Array.prototype.slice.call(cal.querySelectorAll('.cal-day'));
  var allowed = function (item, day) {
    var d = day.getAttribute('data-date');
    var first = item.getAttribute('data-first');
    var last = item.getAttribute('data-last');
    return (!first || d >= first) && (!last || d <= last);
  };
  cal.addEventListener('dragstart', function (e) {
    var item = e.target.closest && e.target.closest('.cal-item[data-move]');
    if (!item) return;
    dragged = item;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', item.getAttribute('data-move'));
    days.forEach(function (d) { if (allowed(item, d)) d.classList.add('allowed'); });
  });
  cal.addEventListener('dragend', function () {
    dragged = null;
    days.forEach(function (d) { d.classList.remove('allowed', 'over'); });
  });
  days.forEach(function (day) {
    day.addEventListener('dragover', function (e) {
      if (!dragged) return;
      e.preventDefault();
      day.classList.add('over');
    });
    day.addEventListener('dragleave', function () { day.classList.remove('over'); });
    day.addEventListener('drop', function (e) {
      e.preventDefault();
      if (!dragged) return;
      var item = dragged;
      var at = day.getAttribute('data-date') + 'T' + item.getAttribute('data-time');
      var body = new URLSearchParams({ at: at, _csrf: cal.getAttribute('data-csrf') });
      fetch(item.getAttribute('data-move'), {
        method: 'POST',
        headers: { 'X-Lantoa-Move': '1', 'X-CSRF-Token': cal.getAttribute('data-csrf') },
        body: body,
        credentials: 'same-origin',
      }).then(function (r) {
        if (r.ok) { location.reload(); return; }
        return r.text().then(function (t) {
          var msg = t;
          try { msg = JSON.parse(t).message || t; } catch (x) { /* plain text */ }
          error.textContent = msg;
          error.hidden = false;
          error.scrollIntoView({ block: 'nearest' });
        });
      });
    });
  });
})();
