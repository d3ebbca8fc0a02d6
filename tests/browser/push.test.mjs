// Browser test of push notices: the profile page offers them where the
// browser can take pushes; the service worker at /sw.js shows a notice the
// server pushed (delivered here through the browser's DevTools protocol, as
// the browser's push service would) and it names the clip.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, logIn, screenshot, shutDown, sleep, startApp, withPage } from './lib.mjs';

const HEAD = 'baotinh.lanhdao';

describe('push notices in a browser', { timeout: 180_000 }, () => {
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('the profile offers push, and the service worker shows a pushed notice', async () => {
    await withPage(h.browser, h.appLog, { viewport: { width: 390, height: 844 } }, async (page) => {
      await page.context().grantPermissions(['notifications'], { origin: h.baseUrl });
      await logIn(page, h.baseUrl, HEAD);
      await page.goto(`${h.baseUrl}/profile`, { waitUntil: 'load' });
      const box = page.locator('#push');
      await box.waitFor({ state: 'visible' });
      await page.locator('#push-on').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#push-off').isVisible(), false);
      assert.match(await page.locator('#push-state').innerText(), /Chưa bật/);
      assert.equal((await page.locator('#push').getAttribute('data-key')).length, 87, 'a P-256 key, base64url');
      await screenshot(page, 'push-profile-phone.png');

      // The service worker, as turning push on registers it.
      const sw = await page.request.get(`${h.baseUrl}/sw.js`);
      assert.equal(sw.status(), 200);
      assert.match(sw.headers()['content-type'], /javascript/);
      const cdp = await page.context().newCDPSession(page);
      const registered = new Promise((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
          const r = e.registrations.find((x) => x.scopeURL === `${h.baseUrl}/` && !x.isDeleted);
          if (r) resolve(r.registrationId);
        });
      });
      await cdp.send('ServiceWorker.enable');
      await page.evaluate(async () => {
        await navigator.serviceWorker.register('/sw.js', { scope: '/' });
        await navigator.serviceWorker.ready;
      });
      const registrationId = await registered;

      // A notice as the server pushes it.
      const notice = { title: 'Lantoa', body: 'Clip “Lễ ra quân” chờ bạn duyệt (bước 2)', url: '/a/2/clips/1', tag: 'n1', lang: 'vi' };
      // A worker just activated may miss a first message: delivered again
      // until shown (one tag, so a repeat replaces the notice).
      let shown = [];
      for (let i = 0; i < 20 && shown.length === 0; i++) {
        await cdp.send('ServiceWorker.deliverPushMessage', {
          origin: h.baseUrl,
          registrationId,
          data: JSON.stringify(notice),
        });
        await sleep(250);
        shown = await page.evaluate(async () => {
          const reg = await navigator.serviceWorker.ready;
          return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url }));
        });
      }
      assert.equal(shown.length, 1, 'the notice is shown');
      assert.deepEqual(shown[0], { title: 'Lantoa', body: notice.body, tag: 'n1', url: '/a/2/clips/1' });
    });
  });
  test('an iPhone is told to add the site to its home screen, which the manifest makes an app', async () => {
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    await withPage(h.browser, h.appLog, { viewport: { width: 390, height: 844 }, userAgent: iphone }, async (page) => {
      // Safari outside a home-screen app has no PushManager.
      await page.addInitScript(() => { delete window.PushManager; });
      await logIn(page, h.baseUrl, HEAD);
      await page.goto(`${h.baseUrl}/profile`, { waitUntil: 'load' });
      await page.locator('#push').waitFor({ state: 'visible' });
      assert.match(await page.locator('#push-state').innerText(), /Thêm vào Màn hình chính/);
      assert.equal(await page.locator('#push-on').isVisible(), false, 'no button that cannot work');
      await screenshot(page, 'push-profile-iphone.png');

      const href = await page.locator('link[rel=manifest]').getAttribute('href');
      const res = await page.request.get(`${h.baseUrl}${href}`);
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], /application\/manifest\+json/);
      const m = await res.json();
      assert.equal(m.display, 'standalone', 'opens as an app, where Safari takes pushes');
      assert.equal(m.start_url, '/');
      const icon = await page.request.get(`${h.baseUrl}${m.icons[0].src}`);
      assert.equal(icon.status(), 200);
    });
  });
});
