// Browser test of publishing, in the demo agency "bao-tinh", whose channels
// the demo connected to its sandbox platforms:
//
//  1. the head opens the demo's political clip once its media check put it in
//     review, ticks the checklist and approves it;
//  2. publishes it now and watches the panel turn every channel to "Đã đăng"
//     by itself, each with a link;
//  3. the sandbox page (labelled as such) lists what each platform received;
//  4. takes the clip down with a reason: three channels are removed by API,
//     TikTok becomes a by-hand item that the head ticks; the incident is listed.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, logIn, screenshot, shutDown, sleep, startApp, submit, withPage } from './lib.mjs';

const HEAD = 'baotinh.lanhdao';
const TITLE = 'Thông điệp của Bí thư Tỉnh ủy nhân dịp năm mới';

describe('publishing in a browser', { timeout: 300_000 }, () => {
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('head approves, publishes to four platforms live, checks the sandbox, takes it down', async () => {
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      const aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];

      // The channels the demo connected, and the sandbox label.
      await page.locator(`header nav a[href="/a/${aid}/channels"]`).click();
      await page.locator('#channels').waitFor();
      assert.ok((await page.locator('#channels tbody tr.ch-active').count()) >= 4, 'four platforms connected');
      const sandbox = await page.locator('#sandbox-banner a').getAttribute('href');
      assert.ok(sandbox, 'the sandbox is labelled and linked');

      // 1. The political demo clip reaches review after its media check.
      let clipPath = null;
      for (let i = 0; i < 120 && !clipPath; i++) {
        await page.goto(`${h.baseUrl}/a/${aid}/queue?q=approve`, { waitUntil: 'load' });
        const link = page.locator('#queue a', { hasText: TITLE });
        if (await link.count()) clipPath = await link.first().getAttribute('href');
        else await sleep(1000);
      }
      assert.ok(clipPath, 'the demo clip is waiting for the head');
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      // The cover: the second poster, then the frame on the player.
      const picks = page.locator('#cover form.cover-pick button');
      assert.equal(await picks.count(), 4, 'the four posters are choices');
      await submit(page, picks.nth(1));
      assert.equal(await page.locator('#cover form.cover-pick button').nth(1).getAttribute('aria-pressed'), 'true');
      assert.match(await page.locator('#cover-now').innerText(), /Ảnh bìa: khung hình tại/);
      assert.match(await page.locator('#preview [data-platform=tiktok] figcaption').innerText(), /Gửi kèm ảnh bìa/);
      assert.match(await page.locator('#preview [data-platform=youtube] figcaption').innerText(), /không được gửi/);
      await page.evaluate(() => {
        const v = document.getElementById('player');
        v.currentTime = Math.min(1.0, v.duration / 3);
      });
      await page.waitForFunction(() => document.getElementById('player').readyState >= 2);
      await submit(page, page.locator('#cover-frame-form button'));
      const frame = page.locator('#cover-frame');
      await frame.waitFor();
      await page.waitForFunction(() => document.getElementById('cover-frame').naturalWidth > 0);
      assert.equal(await page.locator('#cover form.cover-pick button[aria-pressed=true]').count(), 0);
      await screenshot(page, 'cover-desk.png');
      // The checklist's ticks and the signature go in one form.
      const boxes = page.locator('#approve-form input[name=tick]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await submit(page, page.locator('#decide-approve'));
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'approved');

      // 2. Publish now; the panel updates itself until every channel is out.
      await submit(page, page.locator('#publish-now button[type=submit]'));
      assert.match(page.dialogs.at(-1) || '', /^Đăng ngay lên .+, .+, .+, .+\?$/, 'publishing now asks first, naming the channels');
      assert.match(await page.locator('#done').innerText(), /Đang đăng/, 'and says what it did');
      const rows = page.locator('#publications tbody tr');
      assert.ok((await rows.count()) >= 4, 'one row per channel');
      await page.waitForFunction(
        () => {
          const r = [...document.querySelectorAll('#publications tbody tr')];
          return r.length >= 4 && r.every((x) => x.classList.contains('pub-published'));
        },
        null,
        { timeout: 120_000, polling: 500 },
      );
      // Once everything is out the page reloads by itself with the new state:
      // the links are counted on the page it reloads to, not on one going away.
      await page.waitForFunction(() => document.querySelector('#clip-state')?.dataset.state === 'published', null, { timeout: 30_000, polling: 500 });
      await page.waitForLoadState('load');
      const links = await page.locator('#publications a[target=_blank]').count();
      assert.equal(links, await rows.count(), 'every channel has its link');
      await screenshot(page, 'publishing-published.png');

      // 3. The sandbox lists what it received.
      const sb = await page.context().newPage();
      await sb.goto(sandbox, { waitUntil: "load" });
      const text = await sb.locator('body').innerText();
      assert.match(text, /Sandbox/);
      assert.ok(text.includes(TITLE.slice(0, 20)), 'the sandbox received the clip');
      await sb.close();

      // 4. Take it down everywhere, with a reason.
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      await page.locator('details.takedown summary').click();
      await page.locator('#takedown-form textarea[name=reason]').fill('Sai chức danh người phát biểu');
      await submit(page, page.locator('#takedown-form button[type=submit]'));
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'taken_down');
      const byHand = page.locator('#publications form[action$="/removed"] button');
      await byHand.first().waitFor({ timeout: 60_000 });
      await submit(page, byHand.first());
      // Removed posts lose the green "published" tag and their link.
      await page.waitForFunction(
        () => document.querySelectorAll(
          '#publications .tag.s-removal-removed, #publications .tag.s-removal-manual_done').length >= 4,
        null,
        { timeout: 60_000, polling: 500 },
      );
      await page.reload({ waitUntil: 'load' });
      for (const row of await page.locator('#publications tbody tr').all()) {
        const tag = await row.locator('.tag').first().getAttribute('class');
        if (/s-removal-(removed|manual_done)/.test(tag)) {
          assert.equal(await row.locator('a[target=_blank]').count(), 0, 'a removed post has no link');
        }
        assert.ok(!/\bs-published\b/.test(tag), 'no row still shows published');
      }
      await page.goto(`${h.baseUrl}/a/${aid}/incidents`, { waitUntil: 'load' });
      assert.match(await page.locator('#incidents').innerText(), /Sai chức danh người phát biểu/);
      await screenshot(page, 'publishing-incidents.png');
    }, { failureScreenshot: 'publishing.png' });
  });
});
