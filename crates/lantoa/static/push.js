// Web Push on the profile page: turn this device's notices on or off. The
// section stays hidden where the browser cannot take pushes.
'use strict';
(function () {
  const box = document.getElementById('push');
  if (!box) return;
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    // Safari on an iPhone or iPad takes pushes only for a site added to
    // the home screen (it then opens with the web app manifest).
    const apple = /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
    if (apple && !navigator.standalone) {
      box.hidden = false;
      document.getElementById('push-state').textContent = box.getAttribute('data-home-screen') || '';
    }
    return;
  }
  box.hidden = false;
  const on = document.getElementById('push-on');
  const off = document.getElementById('push-off');
  const state = document.getElementById('push-state');
  const csrf = box.getAttribute('data-csrf');
  const key = box.getAttribute('data-key');
  const say = (id) => { state.textContent = box.getAttribute('data-' + id) || ''; };

  function keyBytes(b64) {
    const pad = '='.repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function post(path, fields) {
    const body = new URLSearchParams({ _csrf: csrf, ...fields });
    return fetch(path, { method: 'POST', body, credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(String(r.status));
    });
  }

  async function current() {
    const reg = await navigator.serviceWorker.getRegistration('/');
    return reg ? reg.pushManager.getSubscription() : null;
  }

  async function show() {
    const sub = await current().catch(() => null);
    on.hidden = !!sub;
    off.hidden = !sub;
    if (Notification.permission === 'denied') say('blocked');
    else say(sub ? 'on' : 'off');
  }

  on.addEventListener('click', async () => {
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== 'granted') {
        say('blocked');
        return;
      }
      const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      const j = sub.toJSON();
      await post('/profile/push', { endpoint: j.endpoint, p256dh: j.keys.p256dh, auth: j.keys.auth });
      await show();
    } catch (e) {
      say('failed');
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener('click', async () => {
    off.disabled = true;
    try {
      const sub = await current();
      if (sub) {
        await post('/profile/push/off', { endpoint: sub.endpoint });
        await sub.unsubscribe();
      }
      await show();
    } catch (e) {
      say('failed');
    } finally {
      off.disabled = false;
    }
  });

  show();
})();
