// Lantoa's service worker: shows the notices its server pushes (Web Push,
// encrypted to this browser) and opens the clip when one is tapped. It caches
// nothing: the pages are always the server's.
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('push', (e) => {
  let d = {};
  try {
    d = e.data ? e.data.json() : {};
  } catch (_) {
    d = { body: e.data ? e.data.text() : '' };
  }
  e.waitUntil(
    self.registration.showNotification(d.title || 'Lantoa', {
      body: d.body || '',
      tag: d.tag,
      lang: d.lang,
      icon: '/static/favicon.svg',
      data: { url: d.url || '/inbox' },
    }),
  );
});

self.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const url = new URL((e.notification.data && e.notification.data.url) || '/inbox', self.location.origin);
  if (url.origin !== self.location.origin) return;
  e.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((wins) => {
      for (const w of wins) {
        if (w.url === url.href && 'focus' in w) return w.focus();
      }
      return self.clients.openWindow(url.href);
    }),
  );
});
