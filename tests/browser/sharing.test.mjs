// Browser test of sharing across the network, in the demo network whose
// newspaper (Báo Tỉnh) and district centre (Bình Sơn) post to the sandbox:
//
//  1. Báo Tỉnh's head approves and publishes a clip; its editor offers it to
//     the province at a desk;
//  2. Bình Sơn's reporter, on a phone, finds it in the shared library by a
//     search without tone marks, previews it and takes it: a draft of
//     Bình Sơn's own with the credit line, which the reporter submits;
//  3. Bình Sơn's head approves it and publishes it on Bình Sơn's sandbox
//     channels: the sandbox received it with the credit line;
//  4. Báo Tỉnh takes its clip down; Bình Sơn's head gets the urgent notice
//     on a phone and takes the copy down with one button;
//  5. the overseer's spread view shows both agencies and the takedown.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, logIn, screenshot, shutDown, sleep, startApp, submit, withPage } from './lib.mjs';

const SRC_HEAD = 'baotinh.lanhdao';
const SRC_EDITOR = 'baotinh.bientap';
const TAKER = 'binhson.phongvien';
const TAKER_HEAD = 'binhson.lanhdao';
const OVERSEER = 'btg.giamsat';
const TITLE = 'Người tốt việc tốt: đội xuồng cứu hộ xã Bình Minh';
const CREDIT = 'Nguồn: Báo Tỉnh';
const PHONE = { viewport: { width: 390, height: 844 } };
const DESK = { viewport: { width: 1366, height: 800 } };

const agencyOf = (page) => new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];

async function noSideways(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const view = page.viewportSize().width;
  assert.ok(width <= view, `${what}: no sideways scroll (${width} px in ${view})`);
}

/** Publishes the clip open on the page now and waits until every channel is out. */
async function publishNow(page) {
  await submit(page, page.locator('#publish-now button[type=submit]'));
  await page.waitForFunction(
    () => {
      const r = [...document.querySelectorAll('#publications tbody tr')];
      return r.length >= 1 && r.every((x) => x.classList.contains('pub-published'));
    },
    null,
    { timeout: 120_000, polling: 500 },
  );
  await page.waitForFunction(() => document.querySelector('#clip-state')?.dataset.state === 'published', null, {
    timeout: 30_000,
    polling: 500,
  });
  await page.waitForLoadState('load');
}

/** Ticks the checklist and signs, on the clip page open. */
async function approve(page) {
  const boxes = page.locator('#approve-form input[name=tick]');
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
  await submit(page, page.locator('#decide-approve'));
  assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'approved');
}

describe('sharing across the network in a browser', { timeout: 600_000 }, () => {
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('offered, found without tone marks, taken, approved, published, and taken down after the source', async () => {
    let source = null;
    let sandbox = null;
    // 1. The source approves, publishes and offers.
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, SRC_HEAD);
      const aid = agencyOf(page);
      sandbox = await page.goto(`${h.baseUrl}/a/${aid}/channels`, { waitUntil: 'load' }).then(() =>
        page.locator('#sandbox-banner a').getAttribute('href'),
      );
      for (let i = 0; i < 120 && !source; i++) {
        await page.goto(`${h.baseUrl}/a/${aid}/queue?q=approve`, { waitUntil: 'load' });
        const link = page.locator('#queue a', { hasText: TITLE });
        if (await link.count()) source = await link.first().getAttribute('href');
        else await sleep(1000);
      }
      assert.ok(source, 'the demo clip waits for a signature');
      await page.goto(`${h.baseUrl}${source}`, { waitUntil: 'load' });
      await approve(page);
      await publishNow(page);
    }, { failureScreenshot: 'sharing-source-head.png' });

    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, SRC_EDITOR);
      await page.goto(`${h.baseUrl}${source}`, { waitUntil: 'load' });
      await page.locator('#offer-details summary').click();
      assert.equal(await page.locator('#offer-form input[name=credit]').inputValue(), CREDIT, 'the credit line starts as the agency');
      await page.locator('#offer-form input[name=may_adapt]').uncheck();
      await screenshot(page, 'sharing-offer-desk.png');
      await submit(page, page.locator('#offer-submit'));
      assert.match(await page.locator('#done').innerText(), /Đã chia sẻ/);
      assert.match(await page.locator('#offer-standing').innerText(), /mọi cơ quan trong tỉnh/);
    }, { failureScreenshot: 'sharing-offer.png' });

    // 2. The taker finds it on a phone, without tone marks, and takes it.
    let copy = null;
    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await logIn(page, h.baseUrl, TAKER);
      const aid = agencyOf(page);
      await page.goto(`${h.baseUrl}/a/${aid}/library`, { waitUntil: 'load' });
      await page.fill('#library-q', 'doi xuong cuu ho');
      await submit(page, page.locator('#library-search button[type=submit]'));
      const hit = page.locator('#library-list a', { hasText: TITLE });
      assert.equal(await hit.count(), 1, 'found by words without tone marks');
      assert.match(await page.locator('#library-list').innerText(), /Báo Tỉnh/);
      await noSideways(page, 'the library on a phone');
      await screenshot(page, 'sharing-library-phone.png');
      await submit(page, hit);
      assert.match(await page.locator('#offer-terms').innerText(), /giữ nguyên chú thích/);
      await page.waitForFunction(() => document.getElementById('player').readyState >= 1, null, { timeout: 30_000 });
      await noSideways(page, 'the offer on a phone');
      await screenshot(page, 'sharing-offer-phone.png');
      await submit(page, page.locator('#take'));
      assert.match(await page.locator('#done').innerText(), /Đã lấy về/);
      copy = new URL(page.url()).pathname;
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'draft');
      assert.match(await page.locator('#taken-from').innerText(), /Báo Tỉnh/);
      assert.ok((await page.locator('p.caption').first().innerText()).includes(CREDIT), 'the credit line is on the caption');
      await submit(page, page.locator('#act-submit button'));
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'in_review');
      await noSideways(page, 'the copy on a phone');
      await screenshot(page, 'sharing-copy-phone.png');
    }, { failureScreenshot: 'sharing-taker.png' });

    // 3. The taker's head approves and publishes on the taker's channels.
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, TAKER_HEAD);
      await page.goto(`${h.baseUrl}${copy}`, { waitUntil: 'load' });
      await approve(page);
      await publishNow(page);
      await screenshot(page, 'sharing-copy-published-desk.png');
      const sb = await page.context().newPage();
      await sb.goto(sandbox, { waitUntil: 'load' });
      const received = await sb.locator('body').innerText();
      assert.ok(received.includes(CREDIT), 'the sandbox received the credit line');
      await sb.close();
    }, { failureScreenshot: 'sharing-taker-head.png' });

    // 4. The source takes its clip down.
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, SRC_HEAD);
      await page.goto(`${h.baseUrl}${source}`, { waitUntil: 'load' });
      assert.match(await page.locator('#spread').innerText(), /Bình Sơn/, 'the source sees where it went');
      await page.locator('details.takedown summary').click();
      await page.locator('#takedown-form textarea[name=reason]').fill('Sai tên xã trong phụ đề');
      await submit(page, page.locator('#takedown-form button[type=submit]'));
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'taken_down');
    }, { failureScreenshot: 'sharing-source-takedown.png' });

    // The taker's head is told at once and takes the copy down in one click.
    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await logIn(page, h.baseUrl, TAKER_HEAD);
      await page.goto(`${h.baseUrl}/inbox`, { waitUntil: 'load' });
      const notice = page.locator('#inbox button', { hasText: 'KHẨN' });
      assert.ok((await notice.count()) >= 1, 'the urgent notice');
      assert.match(await notice.first().innerText(), /Sai tên xã/);
      await screenshot(page, 'sharing-urgent-phone.png');
      await submit(page, notice.first());
      assert.equal(new URL(page.url()).pathname, copy);
      assert.match(await page.locator('#source-down').innerText(), /Báo Tỉnh đã gỡ bỏ/);
      await noSideways(page, 'the copy with the notice on a phone');
      await screenshot(page, 'sharing-follow-phone.png');
      await submit(page, page.locator('#follow-takedown button'));
      assert.match(page.dialogs.at(-1) || '', /./, 'it asks first');
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'taken_down');
    }, { failureScreenshot: 'sharing-follow.png' });

    // 5. The overseer sees both agencies and the takedown.
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, OVERSEER);
      const href = await page.locator('header nav a[href$="/sharing"][href^="/b/"]').first().getAttribute('href');
      await page.goto(`${h.baseUrl}${href}`, { waitUntil: 'load' });
      const row = page.locator('#sharing-list tr', { hasText: TITLE });
      assert.match(await row.innerText(), /Báo Tỉnh/);
      await screenshot(page, 'sharing-body-desk.png');
      await submit(page, row.locator('a').first());
      await page.locator('#source-taken-down').waitFor();
      const spread = await page.locator('#spread').innerText();
      assert.match(spread, /Bình Sơn/);
      assert.match(spread, /Đã gỡ/);
      await screenshot(page, 'sharing-spread-desk.png');
    }, { failureScreenshot: 'sharing-overseer.png' });
  });
});
