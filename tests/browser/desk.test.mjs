// Browser test of the desk's clip list, in the demo agency "bao-tinh":
//
//  1. an editor searches without tone marks ("cho phien vung cao") and finds
//     the demo clip "Chợ phiên cuối tuần ở vùng cao", with its poster and state;
//  2. a state filter keeps the words and narrows the list; clearing shows all;
//  3. on a 390 px phone the list and its search fit without sideways scrolling;
//  4. the head, on a phone, lands on the clips waiting for their signature,
//     the menu folded behind one button; on the clip, the decision (checklist
//     and signature in one form) comes right after the player and signs it;
//  5. the head schedules a clip and drags it on the calendar to the next day
//     (inside the signed window: it moves) and then three days on (outside:
//     refused with the reason, and it stays).
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
// Environment: see lib.mjs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, logIn, screenshot, shutDown, startApp, withPage } from './lib.mjs';

const EDITOR = 'baotinh.bientap';
const PHONE = { width: 390, height: 844 };
const MARKET = 'Chợ phiên cuối tuần ở vùng cao';

/** The titles the list shows, in order. */
async function titles(page) {
  return (await page.locator('#clip-list .t').allInnerTexts()).map((t) => t.normalize('NFC').trim());
}

async function openClips(page, baseUrl) {
  await logIn(page, baseUrl, EDITOR);
  const aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
  await page.goto(`${baseUrl}/a/${aid}/clips`, { waitUntil: 'load' });
  await page.locator('#clip-search').waitFor();
  return aid;
}

describe('the clip list in a browser', { timeout: 240_000 }, () => {
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('search finds a clip without tone marks; a filter narrows it; clearing shows all', async () => {
    await withPage(h.browser, h.appLog, { viewport: { width: 1366, height: 800 } }, async (page) => {
      await openClips(page, h.baseUrl);
      const all = await titles(page);
      assert.ok(all.length >= 3, `the demo clips are listed: ${all}`);

      await page.locator('#clip-q').fill('cho phien vung cao');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#clip-q').press('Enter')]);
      assert.deepEqual(await titles(page), [MARKET]);
      assert.match(await page.locator('#clips-found').innerText(), /^1 clip/);
      const card = page.locator('#clip-list li').first();
      assert.equal(await card.locator('.tag[class*="state-"]').count(), 1, 'the workflow state is shown');
      await screenshot(page, 'clips-search.png');

      // A state the market clip is not in: nothing matches, and the words stay.
      await page.locator('#clip-filters summary').click();
      await page.locator('select[name=state]').selectOption('in_review');
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('#clip-search button[type=submit]').click(),
      ]);
      assert.equal(await page.locator('#clip-q').inputValue(), 'cho phien vung cao');
      assert.equal(await page.locator('#clip-list li').count(), 0);
      assert.ok(await page.locator('#clips-none').isVisible(), 'says nothing matches');
      assert.ok(await page.locator('#clip-filters').evaluate((d) => d.open), 'filters stay open');

      // Every clip again (their order follows the demo's checks still finishing).
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#clip-filters-clear').click()]);
      assert.deepEqual((await titles(page)).sort(), [...all].sort());
    });
  });

  test('the list fits a 390 px phone', async () => {
    await withPage(h.browser, h.appLog, { viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
      await openClips(page, h.baseUrl);
      await page.locator('#clip-list').waitFor();
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(scrollWidth <= clientWidth + 1, `no sideways scroll (${scrollWidth} > ${clientWidth})`);
      assert.ok(await page.locator('#clip-q').isVisible(), 'the search box is on screen');
      await screenshot(page, 'clips-phone.png');
    });
  });

  test('the review player: keys step and comment at the frame, markers seek, comments export', async () => {
    await withPage(h.browser, h.appLog, { viewport: { width: 1366, height: 900 } }, async (page) => {
      await logIn(page, h.baseUrl, EDITOR);
      const waiting = page.locator('#to-sign li a, #to-review li a');
      for (let i = 0; i < 60 && (await waiting.count()) < 1; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await page.reload({ waitUntil: 'load' });
      }
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), waiting.first().click()]);
      const clipPath = new URL(page.url()).pathname;
      await page.waitForFunction(() => document.getElementById('player').readyState >= 1);
      const time = () => page.evaluate(() => document.getElementById('player').currentTime);
      await page.locator('h1').click();
      await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.press('.');
      const t = await time();
      assert.ok(t > 2 && t < 2.1, `two seconds and a frame: ${t}`);
      await page.keyboard.press(',');
      assert.ok(Math.abs((await time()) - 2) < 0.01, 'a frame back');
      // C: the comment's time is the frame shown and the text box is ready.
      await page.keyboard.press('c');
      assert.equal(await page.locator('#comment-at').inputValue(), '00:02:00');
      assert.ok(await page.locator('#comment-form textarea[name=body]').evaluate((el) => el === document.activeElement));
      await page.keyboard.type('Chữ trên hình, sai dấu');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#comment-form button[type=submit]').click()]);
      // The marker sits on the timeline and seeks there.
      const marker = page.locator('#markers .marker');
      await marker.first().waitFor();
      await page.evaluate(() => { document.getElementById('player').currentTime = 0; });
      await marker.first().click();
      assert.ok(Math.abs((await time()) - 2) < 0.05, 'the marker seeks to its comment');
      // Typing in a field never moves the player.
      await page.locator('#comment-form textarea[name=body]').fill('');
      await page.locator('#comment-form textarea[name=body]').type('k . ,');
      assert.ok(Math.abs((await time()) - 2) < 0.05);
      // Exported as CSV, Vietnamese intact.
      const csv = await page.request.get(`${h.baseUrl}${clipPath}/comments.csv`);
      assert.equal(csv.status(), 200);
      const text = await csv.text();
      assert.match(text, /Phiên bản,Thời điểm,Người góp ý,Góp ý,Đã xử lý/);
      assert.match(text, /00:02:00,.*,Chữ trên hình\, sai dấu|"Chữ trên hình, sai dấu"/);
      await screenshot(page, 'player-markers.png');
    });
  });

  test('the head signs from a phone: home lists it, the decision follows the player', async () => {
    await withPage(h.browser, h.appLog, { viewport: PHONE, isMobile: true, hasTouch: true }, async (page) => {
      await logIn(page, h.baseUrl, 'baotinh.lanhdao');
      // The menu is folded: one button, and the page's content right under it.
      assert.ok(await page.locator('#menu-toggle').isVisible(), 'the menu button');
      assert.ok(!(await page.locator('header nav').isVisible()), 'the links are folded');
      // The demo's two submitted clips, once their checks are done.
      const sign = page.locator('#to-sign li a');
      for (let i = 0; i < 60 && (await sign.count()) < 2; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await page.reload({ waitUntil: 'load' });
      }
      const box = await page.locator('#to-sign').boundingBox();
      assert.ok(box.y < 400, `what waits for the head starts near the top (${box.y}px)`);
      await page.locator('#menu-toggle').click();
      assert.ok(await page.locator('header nav').isVisible(), 'the menu opens');

      const waiting = await sign.count();
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), sign.first().click()]);
      // Player, then the decision; the media report is folded.
      const player = await page.locator('#player').boundingBox();
      const decision = await page.locator('#decision').boundingBox();
      assert.ok(decision.y > player.y, 'the decision follows the player');
      assert.ok(decision.y - (player.y + player.height) < 700, 'and comes right after it');
      assert.equal(await page.locator('#qc-report details').evaluate((d) => d.open), false);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(scrollWidth <= clientWidth + 1, `no sideways scroll (${scrollWidth} > ${clientWidth})`);
      // A finger dragged along the storyboard scrubs the player.
      const sb = page.locator('#storyboard');
      await sb.scrollIntoViewIfNeeded();
      const strip = await sb.boundingBox();
      const y = strip.y + strip.height / 2;
      const cdp = await page.context().newCDPSession(page);
      const touch = (type, x) => cdp.send('Input.dispatchTouchEvent', {
        type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }],
      });
      await touch('touchStart', strip.x + 2);
      const times = [];
      for (const f of [0.3, 0.6, 0.95]) {
        await touch('touchMove', strip.x + strip.width * f);
        // Touch moves reach the page at the next frame.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        times.push(await page.evaluate(() => document.getElementById('player').currentTime));
      }
      await touch('touchEnd');
      assert.ok(times[0] < times[1] && times[1] < times[2], `the finger scrubs forward: ${times}`);
      await page.locator('#decision').scrollIntoViewIfNeeded();
      await screenshot(page, 'decision-phone.png');

      // Ticks and signature: one tap each, one post.
      const boxes = page.locator('#approve-form input[name=tick]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#decide-approve').click()]);
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'approved');
      assert.match(await page.locator('#done').innerText(), /Đã ký duyệt/);

      await page.goto(new URL(page.url()).origin + new URL(page.url()).pathname.replace(/\/clips\/\d+$/, ''), { waitUntil: 'load' });
      assert.equal(await page.locator('#to-sign li').count(), waiting - 1, 'one fewer to sign');
    });
  });

  test('the calendar moves a scheduled clip inside its window and refuses outside', async () => {
    await withPage(h.browser, h.appLog, { viewport: { width: 1366, height: 900 } }, async (page) => {
      await logIn(page, h.baseUrl, 'baotinh.lanhdao');
      const aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
      const sign = page.locator('#to-sign li a');
      for (let i = 0; i < 60 && (await sign.count()) < 1; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await page.reload({ waitUntil: 'load' });
      }
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), sign.first().click()]);
      const clipPath = new URL(page.url()).pathname;
      const boxes = page.locator('#approve-form input[name=tick]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#decide-approve').click()]);
      await page.locator('#actions details summary', { hasText: 'Hẹn giờ đăng' }).click();
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#act-schedule button').click()]);
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'scheduled');

      await page.goto(`${h.baseUrl}/a/${aid}/calendar?view=month`, { waitUntil: 'load' });
      const item = page.locator(`.cal-item[data-move="${clipPath}/reschedule"]`);
      await item.waitFor();
      const day = await item.evaluate((el) => el.closest('.cal-day').dataset.date);
      const plus = (d, n) => {
        const t = new Date(`${d}T00:00:00Z`);
        t.setUTCDate(t.getUTCDate() + n);
        return t.toISOString().slice(0, 10);
      };
      const next = page.locator(`.cal-day[data-date="${plus(day, 1)}"]`);
      assert.equal(await next.count(), 1, 'the next day is on the month view');
      await screenshot(page, 'calendar-month.png');

      // Inside the window: it moves, and the page shows it on its new day.
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), item.dragTo(next)]);
      const moved = page.locator(`.cal-day[data-date="${plus(day, 1)}"] .cal-item[data-move="${clipPath}/reschedule"]`);
      assert.equal(await moved.count(), 1, 'on the next day');
      assert.ok(await page.locator('#cal-error').isHidden());

      // Three days on, past the 48 h window: refused as the server says, and it stays.
      const far = page.locator(`.cal-day[data-date="${plus(day, 3)}"]`);
      if (await far.count()) {
        await moved.dragTo(far);
        await page.locator('#cal-error').waitFor({ state: 'visible' });
        assert.match(await page.locator('#cal-error').innerText(), /khung giờ đã ký duyệt/);
        await page.reload({ waitUntil: 'load' });
        assert.equal(await moved.count(), 1, 'still on the day it was moved to');
      }
      await screenshot(page, 'calendar-moved.png');
    });
  });
});
