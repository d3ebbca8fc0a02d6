// Browser test of the newspaper's own outlet (Trang riêng) in the demo, whose
// four demo clips are out on it:
//
//  1. on a 390 px phone the feed plays the clip in view muted (with a button
//     for the sound), a swipe brings the next one, which plays while the
//     first pauses, and the arrow key moves on; each clip shows its text;
//  2. a clip's page carries its OpenGraph, Twitter and schema.org tags;
//  3. its admin allows one site to embed it: a page of that site (another
//     origin) shows the player, a page of a third site is refused by the
//     browser;
//  4. a scripted viewing in the embedded player — play to half, stop — is
//     counted: the operator's page shows one view from the embedding site at
//     50 % completion (the rollups and dashboards are tested in the API
//     tests, where the clock can move an hour on);
//  5. the head takes the clip down: its page, media, the feed, the feeds and
//     the sitemap no longer show it.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freePort, launchBrowser, logIn, screenshot, shutDown, sleep, startApp, submit, withPage } from './lib.mjs';

const ADMIN = 'baotinh.quantri';
const HEAD = 'baotinh.lanhdao';
const TITLE = 'Hướng dẫn nộp hồ sơ dịch vụ công trực tuyến';
// A phone's browser (the headless browser's own name is a robot's, and its
// beacons would rightly not count).
const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
const PHONE = { viewport: { width: 390, height: 844 }, userAgent: PHONE_UA, isMobile: true, hasTouch: true };
const DESK = { viewport: { width: 1366, height: 800 } };

/** A site on its own origin whose one page embeds `src` in an iframe. */
async function site(src) {
  const port = await freePort();
  const server = http.createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Báo Tỉnh điện tử</title><h1>Tin tức</h1>` +
        `<iframe id="player" src="${src}" width="360" height="640" allow="autoplay" style="border:0"></iframe>`,
    );
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${port}`, server };
}

/** The states of the feed's videos. */
const videos = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('video.player')].map((v) => ({ paused: v.paused, muted: v.muted, t: v.currentTime })),
  );

describe('the own outlet: feed, page, embeds, measuring, takedown', () => {
  const h = {};
  let clipUrl = '';
  let token = '';
  const sites = [];

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    for (const s of sites) s.server.close();
    await shutDown(h);
  });

  test('on a phone the feed plays the clip in view muted; a swipe brings the next', async () => {
    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await page.goto(`${h.baseUrl}/v/bao-tinh`);
      await page.waitForFunction(() => {
        const v = document.querySelector('video.player');
        return v && !v.paused && v.muted && v.currentTime > 0.3;
      }, null, { timeout: 20_000 });
      assert.ok(await page.locator('.slide').first().locator('.unmute').isVisible(), 'a button turns the sound on');
      assert.ok((await page.locator('.slide .caption').first().innerText()).length > 10, 'the clip says what it is');
      await screenshot(page, 'outlet-feed-phone-vi.png');
      // A swipe up: the next clip snaps into view and plays; the first pauses.
      await page.mouse.move(195, 400);
      await page.mouse.wheel(0, 700);
      await page.waitForFunction(() => {
        const v = [...document.querySelectorAll('video.player')];
        return v[0].paused && !v[1].paused && v[1].currentTime > 0.2;
      }, null, { timeout: 20_000 });
      // The arrow key moves on again.
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(() => !document.querySelectorAll('video.player')[2].paused, null, { timeout: 20_000 });
      const state = await videos(page);
      assert.ok(state[1].paused && state.every((v) => v.muted), JSON.stringify(state));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scroll (${width} px)`);
      // English.
      await page.locator('.top .lang').click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await screenshot(page, 'outlet-feed-phone-en.png');
      clipUrl = await page.locator('.slide h2 a', { hasText: TITLE }).getAttribute('href');
      clipUrl = clipUrl.replace(/\?lang=en$/, '');
      token = clipUrl.split('/').pop();
    }, { failureScreenshot: 'outlet-feed-failure.png' });
  });

  test("a clip's page carries its sharing tags", async () => {
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await page.goto(clipUrl);
      const meta = (p) => page.locator(`meta[property="${p}"], meta[name="${p}"]`).getAttribute('content');
      assert.equal(await meta('og:title'), TITLE);
      assert.equal(await meta('og:type'), 'video.other');
      assert.equal(await meta('og:url'), clipUrl);
      assert.match(await meta('og:video'), /\/video\.mp4$/);
      assert.match(await meta('og:image'), /\/poster\.jpg$/);
      assert.match(await meta('twitter:player'), /\/embed$/);
      const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
      assert.equal(ld['@type'], 'VideoObject');
      assert.equal(ld.name, TITLE);
      assert.equal(ld.duration, 'PT0M12S');
      // The poster and a range of the video answer.
      const range = await page.request.get(`${clipUrl}/video.mp4`, { headers: { range: 'bytes=0-1023' } });
      assert.equal(range.status(), 206);
      assert.equal((await range.body()).length, 1024);
      await page.locator('#embed summary').click();
      assert.match(await page.locator('#embed-code').inputValue(), /<iframe src="[^"]+\/embed"/);
      await screenshot(page, 'outlet-clip-desk-vi.png');
    });
  });

  test('the player embeds on the allowed site only, and a viewing there is measured', async () => {
    const allowed = await site(`${clipUrl}/embed`);
    const other = await site(`${clipUrl}/embed`);
    sites.push(allowed, other);
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, ADMIN);
      await page.goto(`${h.baseUrl}/a/2/outlet`);
      await page.locator('textarea[name=embed_origins]').fill(allowed.origin);
      await submit(page, page.locator('#outlet-settings button[type=submit]'));
      await page.locator('p.notice').waitFor();
    });
    // Refused on a site the agency did not name: the frame holds no player.
    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await page.goto(`${other.origin}/`);
      await sleep(1500);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const players = frame ? await frame.locator('video').count().catch(() => 0) : 0;
      assert.equal(players, 0, 'the browser refuses the frame');
      await screenshot(page, 'outlet-embed-refused.png');
    });
    // Shown on the allowed site; played to half and stopped.
    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await page.goto(`${allowed.origin}/`);
      const player = page.frameLocator('#player').locator('video.player');
      await player.waitFor();
      await player.evaluate((v) => v.play());
      await player.evaluate(
        (v) =>
          new Promise((resolve) => {
            const check = () => (v.currentTime >= 6.0 ? (v.pause(), resolve()) : setTimeout(check, 50));
            check();
          }),
      );
      await sleep(1000);
      await screenshot(page, 'outlet-embed-allowed.png');
    });
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, ADMIN);
      await page.goto(`${h.baseUrl}/a/2/outlet`);
      const row = page.locator('#outlet-posts tr', { hasText: TITLE });
      const cells = await row.locator('td').allInnerTexts();
      assert.equal(cells[1], '1', `one view: ${cells}`);
      const completion = parseInt(cells[4], 10);
      assert.ok(completion >= 45 && completion <= 55, `half watched: ${cells}`);
      assert.equal(cells[6], '100 %', `every viewer passed the half: ${cells}`);
      const text = await page.locator('main').innerText();
      assert.ok(text.includes('Trình phát nhúng trên website') && text.includes('127.0.0.1'), 'the embedding site');
      await screenshot(page, 'outlet-admin-desk-vi.png');
    });
  });

  test('a takedown removes the clip from the page, the feed, the feeds and the sitemap', async () => {
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      await page.goto(`${h.baseUrl}/a/2/clips?q=${encodeURIComponent('dich vu cong')}`);
      await page.locator('a', { hasText: TITLE }).first().click();
      await page.locator('details.takedown summary').click();
      await page.locator('#takedown-form textarea[name=reason]').fill('Sai đường dẫn cổng dịch vụ công');
      await submit(page, page.locator('#takedown-form button[type=submit]'));
      for (const path of [clipUrl, `${clipUrl}/video.mp4`, `${clipUrl}/embed`]) {
        assert.equal((await page.request.get(path)).status(), 404, path);
      }
      for (const path of ['', '/feed.rss', '/feed.atom', '/sitemap.xml']) {
        const body = await (await page.request.get(`${h.baseUrl}/v/bao-tinh${path}`)).text();
        assert.ok(!body.includes(token), `${path || 'feed'} no longer shows it`);
      }
      await page.goto(`${h.baseUrl}/v/bao-tinh`);
      assert.equal(await page.locator('.slide h2', { hasText: TITLE }).count(), 0);
    });
  });
});
