// Browser test of the whole review loop, in the demo agency "bao-tinh":
//
//  0. the agency admin sets the policy for non-political clips to two steps:
//     an editor, then the head (review-settings page);
//  1. a reporter uploads a clip with "submit when uploaded" ticked; once
//     checked it is in review;
//  2. an editor pauses the player at 00:05, pins a comment there, and requests
//     changes with a note;
//  3. the reporter uploads v2 of the clip; after its check the clip is back in
//     review by itself;
//  4. the editor ticks the checklist and signs step 1; the head signs step 2;
//  5. the clip shows "Đã duyệt" with both signatures, and its history lists it all.
//
// And drawing on the frame with a comment: an editor draws a rectangle with
// the mouse on a desk and an arrow with a finger on a phone, saves each with
// its comment, reloads, and chooses the comment: its shapes lie over the same
// spot of the picture, until playback resumes.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
// Needs ffmpeg on PATH. Environment: see lib.mjs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ffmpeg, launchBrowser, logIn, screenshot, SCREENSHOT_DIR, shutDown, startApp, submit, withPage } from './lib.mjs';

const REPORTER = 'baotinh.phongvien';
const EDITOR = 'baotinh.bientap';
const HEAD = 'baotinh.lanhdao';
const ADMIN = 'baotinh.quantri';
const CHECK_TIMEOUT_MS = 90_000;


/** An 8 s portrait test clip with a tone (the frequency makes versions differ). */
async function makeClip(dir, name, freq) {
  const out = path.join(dir, name);
  await ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=25:duration=8',
    '-f', 'lavfi', '-i', `sine=frequency=${freq}:sample_rate=48000:duration=8`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
    '-shortest', '-movflags', '+faststart', out,
  ]);
  return out;
}

/** What the screen shows now (not the whole page: the drawing tools float). */
async function viewShot(page, name) {
  if (SCREENSHOT_DIR) {
    await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, name) });
  }
}

/** The video's picture on screen: the player box letterboxes it. */
function pictureBox(page) {
  return page.evaluate(() => {
    const v = document.getElementById('player');
    const r = v.getBoundingClientRect();
    const s = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
    const w = v.videoWidth * s;
    const h = v.videoHeight * s;
    return { x: r.left + (r.width - w) / 2, y: r.top + (r.height - h) / 2, w, h };
  });
}

/** Pauses the player at `t` seconds. */
async function pauseAt(page, t) {
  await page.evaluate(async (t) => {
    const v = document.getElementById('player');
    if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    v.pause();
    v.currentTime = t;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
  }, t);
}

/** Waits until the player shows the frame it was sent to. */
function settled(page) {
  return page.waitForFunction(() => {
    const v = document.getElementById('player');
    return !v.seeking && v.readyState >= 2;
  });
}

/** Sends the comment form and gives the new comment's element id. */
async function sendComment(page, text) {
  await page.locator('#draw-done').click();
  const body = page.locator('#comment-form textarea[name=body]');
  assert.ok(await body.evaluate((el) => el === document.activeElement), 'back at the comment');
  await body.fill(text);
  await submit(page, page.locator('#comment-form button[type=submit]'));
  const id = new URL(page.url()).hash.slice(1);
  assert.match(id, /^c\d+$/, `the page shows the new comment (${page.url()})`);
  return id;
}

/** Fails on any error the page wrote to its console or threw. */
function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function waitForReport(page) {
  const outcome = page.locator('#qc-report, #invalid, #check-failed');
  await outcome.first().waitFor({ state: 'attached', timeout: CHECK_TIMEOUT_MS });
  assert.equal(await outcome.first().getAttribute('id'), 'qc-report', 'the media check passed');
}

async function clipState(page) {
  return page.locator('#clip-state').getAttribute('data-state');
}

async function upload(page, baseUrl, url, file, fields) {
  await page.goto(`${baseUrl}${url}`, { waitUntil: 'load' });
  await page.waitForFunction(() => typeof window.tus?.Upload === 'function');
  if (fields) {
    await page.locator('#title').fill(fields.title);
    await page.locator('#category').selectOption(fields.category);
    await page.locator('#caption').fill(fields.caption);
  }
  await page.locator('#file').setInputFiles(file);
  await Promise.all([
    page.waitForURL((u) => /^\/a\/\d+\/clips\/\d+$/.test(u.pathname), { timeout: 60_000 }),
    page.locator('#upload-start').click(),
  ]);
  await waitForReport(page);
  return new URL(page.url()).pathname;
}

describe('review and approval in a browser', { timeout: 480_000 }, () => {
  const h = {};
  let dir = null;
  let v1 = null;
  let v2 = null;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lantoa-review-video-'));
    [v1, v2] = await Promise.all([makeClip(dir, 'v1.mp4', 440), makeClip(dir, 'v2.mp4', 660)]);
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    try {
      await shutDown(h);
    } finally {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('reporter uploads, editor comments at 00:05 and asks for changes, v2, editor and head approve', async () => {
    let aid = null;
    let clipPath = null;

    // 0. Two-step policy for non-political clips.
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, ADMIN);
      aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
      await page.locator(`header nav a[href="/a/${aid}/review-settings"]`).click();
      await page.locator('form#review-settings').waitFor();
      await page.locator('input[name=other_1][value=head]').uncheck();
      await page.locator('input[name=other_1][value=deputy]').uncheck();
      await page.locator('input[name=other_1][value=editor]').check();
      await page.locator('input[name=other_2][value=head]').check();
      await submit(page, page.locator('form#review-settings button[type=submit]'));
      assert.ok(await page.locator('input[name=other_2][value=head]').isChecked(), 'policy saved');
    });

    // 1. The reporter uploads; "submit when uploaded" is ticked, so it goes to
    //    review as soon as it is stored and on to the reviewers once checked.
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, REPORTER);
      clipPath = await upload(page, h.baseUrl, `/a/${aid}/clips/new`, v1, {
        title: 'Người tốt việc tốt ở xã Bình Minh',
        category: 'good_deeds',
        caption: 'Câu chuyện về những người thầm lặng giúp đỡ bà con vùng lũ.',
      });
      for (let i = 0; i < 30 && (await clipState(page)) !== 'in_review'; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await page.reload({ waitUntil: 'load' });
      }
      assert.equal(await clipState(page), 'in_review');
    }, { failureScreenshot: 'review-reporter.png' });

    // 2. The editor comments at 00:05 and requests changes.
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, EDITOR);
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      await page.locator('video#player').waitFor();
      await page.evaluate(async () => {
        const v = document.getElementById('player');
        if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
        v.currentTime = 5;
        await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      });
      await page.locator('#use-time').click();
      assert.equal(await page.locator('#comment-at').inputValue(), '00:05:00');
      await page.locator('#comment-form textarea[name=body]').fill('Hình bị rung ở đây, cần thay cảnh khác.');
      await submit(page, page.locator('#comment-form button[type=submit]'));
      const pinned = page.locator('#comments .thread .tc').first();
      assert.equal((await pinned.innerText()).trim(), '00:05:00');
      // The pinned time moves the player there.
      await page.evaluate(() => { document.getElementById('player').currentTime = 0; });
      await pinned.click();
      const t = await page.evaluate(() => document.getElementById('player').currentTime);
      assert.ok(t >= 5 && t < 5.1, `player at ${t} after clicking the comment's time`);
      // Asking for changes is in the decision form, beside the signature.
      await page.locator('#decision-note').fill('Thay cảnh rung ở 00:05.');
      await submit(page, page.locator('#decide-request-changes'));
      assert.equal(await clipState(page), 'changes_requested');
    }, { failureScreenshot: 'review-editor-1.png' });

    // 3. The reporter sees the request in the inbox and uploads v2.
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, REPORTER);
      assert.ok(Number(await page.locator('#unread').innerText()) >= 1, 'unread notifications');
      await page.goto(`${h.baseUrl}/inbox`, { waitUntil: 'load' });
      assert.match(await page.locator('#inbox').innerText(), /yêu cầu sửa/);
      await upload(page, h.baseUrl, `${clipPath}/new-version`, v2, null);
      assert.equal(await clipState(page), 'in_review', 'v2 went back to review by itself');
    }, { failureScreenshot: 'review-reporter-2.png' });

    // 4. The editor ticks the checklist and signs the first step.
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, EDITOR);
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      // The checklist's ticks and the signature go in one form.
      const boxes = page.locator('#approve-form input[name=tick]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await submit(page, page.locator('#decide-approve'));
      assert.equal(await clipState(page), 'in_review', 'one of two steps signed');
      assert.equal(await page.locator('#approval .step.signed').count(), 1);
    }, { failureScreenshot: 'review-editor-2.png' });

    // 5. The head signs the second step: approved, with both signatures.
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      await page.goto(`${h.baseUrl}/a/${aid}/queue?q=approve`, { waitUntil: 'load' });
      await page.locator(`#queue a[href="${clipPath}"]`).click();
      await page.waitForURL((u) => u.pathname === clipPath);
      // The head sees what they sign: the window and the channels (the
      // agency's connected ones, ticked from the upload on).
      const signing = await page.locator('#approve-window').innerText();
      assert.match(signing, /Khung giờ đăng: từ khi được duyệt đến trước \d/);
      assert.match(signing, /Facebook.*YouTube.*TikTok.*Zalo/);
      await submit(page, page.locator('#decide-approve'));
      assert.equal(await clipState(page), 'approved');
      assert.match(await page.locator('#done').innerText(), /Đã ký duyệt/);
      assert.equal((await page.locator('#clip-state').innerText()).trim(), 'Đã duyệt');
      const signatures = await page.locator('#approval .signature').allInnerTexts();
      assert.equal(signatures.length, 2);
      assert.match(signatures[0], /Biên tập viên/);
      assert.match(signatures[1], /Người đứng đầu/);
      const history = await page.locator('#history').innerText();
      for (const line of ['Gửi duyệt', 'Yêu cầu sửa', 'Tải phiên bản mới', 'Ký duyệt', 'Đủ phê duyệt']) {
        assert.ok(history.includes(line), `history shows "${line}"`);
      }
      await screenshot(page, 'review-approved.png');

      // v1 and v2 side by side, playing in sync.
      await page.locator('#compare-link').click();
      await page.locator('#compare video.sync').first().waitFor();
      await page.evaluate(() =>
        Promise.all([...document.querySelectorAll('video.sync')].map((v) =>
          v.readyState >= 1 ? null : new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true })))));
      await page.evaluate(() => { document.querySelectorAll('video.sync')[0].currentTime = 2; });
      await page.waitForFunction(() => document.querySelectorAll('video.sync')[1].currentTime > 1.9);
      await page.locator('#sync-play').click();
      // Both play (headless Chromium may take a moment to start the second).
      await page.waitForFunction(() => {
        const v = [...document.querySelectorAll('video.sync')];
        return !v[0].paused && !v[1].paused && v[0].currentTime > 2.5;
      }, null, { timeout: 10_000, polling: 100 });
      const [a, b] = await page.evaluate(() => {
        const v = [...document.querySelectorAll('video.sync')];
        return [v[0].currentTime, v[1].currentTime];
      });
      assert.ok(a > 2.5 && Math.abs(a - b) < 0.35, `players in sync: ${a} vs ${b}`);
      await page.locator('#sync-pause').click();
      // On a phone: one version at a time, the button flips to the other.
      await page.setViewportSize({ width: 390, height: 844 });
      const visible = () => page.evaluate(() =>
        [...document.querySelectorAll('#compare > section')].map((s) => s.offsetParent !== null));
      await page.locator('#ab-flip').waitFor({ state: 'visible' });
      assert.deepEqual(await visible(), [true, false]);
      await page.locator('#ab-flip').click();
      assert.deepEqual(await visible(), [false, true]);
      assert.equal(await page.locator('#ab-flip').getAttribute('aria-pressed'), 'true');
      await screenshot(page, 'compare-phone.png');
      await page.setViewportSize({ width: 1366, height: 800 });
      await page.waitForFunction(() =>
        [...document.querySelectorAll('#compare > section')].every((s) => s.offsetParent !== null));
      assert.ok(await page.locator('#ab-flip').isHidden(), 'side by side again on a desk, no flip');

      // 6. The publish window: a time outside the signed window is refused
      // (the browser's own check is bypassed to reach the server's), one
      // inside is scheduled on the same signatures; then it goes out now.
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      await page.locator('#actions details summary', { hasText: 'Hẹn giờ đăng' }).click();
      const at = page.locator('#act-schedule input[name=at]');
      assert.ok(await at.getAttribute('max'), 'the schedule stops at the window');
      await at.evaluate((el) => el.removeAttribute('max'));
      await at.fill('2099-01-01T10:00');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('#act-schedule button').click()]);
      assert.match(await page.locator('#notice').innerText(), /trong khung giờ đã ký duyệt/);
      assert.equal(await clipState(page), 'approved');
      await page.locator('#actions details summary', { hasText: 'Hẹn giờ đăng' }).click();
      await submit(page, page.locator('#act-schedule button'));
      assert.equal(await clipState(page), 'scheduled');
      assert.match(await page.locator('#scheduled-at').innerText(), /hẹn đăng lúc/);
      assert.equal(await page.locator('#approval .signature').count(), 2, 'no new signature needed');
      await submit(page, page.locator('#act-unschedule button'));
      assert.equal(await clipState(page), 'approved');
      await submit(page, page.locator('#publish-now button[type=submit]'));
      assert.match(page.dialogs.at(-1) || '', /^Đăng ngay lên /);
      await page.waitForFunction(() => document.querySelector('#clip-state')?.dataset.state === 'published',
        null, { timeout: 120_000, polling: 500 });
      await screenshot(page, 'review-published.png');
    }, { failureScreenshot: 'review-head.png' });
  });

  test('a rectangle drawn with the mouse and an arrow with a finger come back on their frame', async () => {
    let clipPath = null;
    // A desk: the rectangle, drawn with the mouse on the frame at 00:03.
    await withPage(h.browser, h.appLog, { viewport: { width: 1366, height: 800 } }, async (page) => {
      const errors = watchErrors(page);
      await logIn(page, h.baseUrl, EDITOR);
      const waiting = page.locator('#to-sign li a, #to-review li a');
      for (let i = 0; i < 60 && (await waiting.count()) < 1; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await page.reload({ waitUntil: 'load' });
      }
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), waiting.first().click()]);
      clipPath = new URL(page.url()).pathname;
      await pauseAt(page, 3);
      await page.locator('#draw-tools').scrollIntoViewIfNeeded();
      await viewShot(page, 'draw-desk-form.png');
      const rect = page.locator('#draw-tools .tool[data-tool=rect]');
      assert.equal(await rect.getAttribute('aria-label'), 'Vẽ khung chữ nhật');
      await rect.click();
      assert.equal(await rect.getAttribute('aria-pressed'), 'true');
      assert.equal(await page.locator('#comment-at').inputValue(), '00:03:00', 'the time is the frame drawn on');
      assert.ok(await page.locator('#overlay.drawing').isVisible(), 'the frame takes the drawing');
      const pic = await pictureBox(page);
      const at = (fx, fy) => [pic.x + pic.w * fx, pic.y + pic.h * fy];
      await page.mouse.move(...at(0.2, 0.3));
      await page.mouse.down();
      await page.mouse.move(...at(0.4, 0.5), { steps: 5 });
      await page.mouse.move(...at(0.6, 0.7), { steps: 5 });
      await page.mouse.up();
      assert.equal(await page.locator('#draw-count').innerText(), '1');
      const [drawn] = JSON.parse(await page.locator('#comment-drawing').inputValue());
      assert.equal(drawn.k, 'rect');
      for (const [got, want] of [[drawn.x1, 0.2], [drawn.y1, 0.3], [drawn.x2, 0.6], [drawn.y2, 0.7]]) {
        assert.ok(Math.abs(got - want) < 0.01, `the rectangle as fractions of the picture: ${JSON.stringify(drawn)}`);
      }
      // The tools float beside the player while drawing.
      const bar = await page.locator('#draw-bar').boundingBox();
      assert.ok(bar.y + bar.height <= 800 && bar.y > 0, `the tools are on screen (${JSON.stringify(bar)})`);
      await settled(page);
      await viewShot(page, 'draw-desk-tools.png');
      const id = await sendComment(page, 'Khung này cần làm mờ biển số.');

      // Reloaded, the comment is marked; choosing it shows the rectangle on its frame.
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => document.getElementById('player').readyState >= 1);
      const mark = page.locator(`#${id} .drawn`);
      assert.equal(await mark.getAttribute('aria-label'), 'Có hình vẽ trên khung hình (1 hình), bấm để xem');
      await mark.scrollIntoViewIfNeeded();
      await viewShot(page, 'draw-desk-list.png');
      await page.evaluate(() => { document.getElementById('player').currentTime = 0; });
      assert.ok(await page.locator('#overlay').isHidden(), 'nothing drawn before a comment is chosen');
      await page.locator(`#${id} .tc`).click();
      const shown = page.locator('#overlay .shape[data-k=rect] rect.ink');
      await shown.waitFor();
      const t = await page.evaluate(() => document.getElementById('player').currentTime);
      assert.ok(t >= 3 && t < 3.1, `the player is on the comment's frame (${t})`);
      const pic2 = await pictureBox(page);
      const box = await shown.boundingBox();
      const near = (a, b, what) => assert.ok(Math.abs(a - b) < 3, `${what}: ${a} vs ${b}`);
      near(box.x, pic2.x + pic2.w * 0.2, 'left');
      near(box.y, pic2.y + pic2.h * 0.3, 'top');
      near(box.x + box.width, pic2.x + pic2.w * 0.6, 'right');
      near(box.y + box.height, pic2.y + pic2.h * 0.7, 'bottom');
      await settled(page);
      await viewShot(page, 'draw-desk-shown.png');
      // Playing puts it away.
      await page.evaluate(() => document.getElementById('player').play());
      await page.locator('#overlay').waitFor({ state: 'hidden' });
      await page.evaluate(() => document.getElementById('player').pause());
      assert.deepEqual(errors, [], 'no console errors');
    }, { failureScreenshot: 'draw-desk.png' });

    // A phone: the arrow, drawn with a finger on the frame at 00:06.
    await withPage(h.browser, h.appLog, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, async (page) => {
      const errors = watchErrors(page);
      await logIn(page, h.baseUrl, EDITOR);
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      await pauseAt(page, 6);
      await page.locator('#draw-tools').scrollIntoViewIfNeeded();
      await viewShot(page, 'draw-phone-form.png');
      const arrow = page.locator('#draw-tools .tool[data-tool=arrow]');
      await arrow.tap();
      assert.equal(await arrow.getAttribute('aria-pressed'), 'true');
      assert.equal(await page.locator('#comment-at').inputValue(), '00:06:00');
      const pic = await pictureBox(page);
      const cdp = await page.context().newCDPSession(page);
      const touch = (type, fx, fy) => cdp.send('Input.dispatchTouchEvent', {
        type, touchPoints: type === 'touchEnd' ? [] : [{ x: pic.x + pic.w * fx, y: pic.y + pic.h * fy }],
      });
      const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const scrolled = await page.evaluate(() => window.scrollY);
      await touch('touchStart', 0.7, 0.2);
      for (const f of [0.25, 0.5, 0.75, 1]) {
        await touch('touchMove', 0.7 - 0.35 * f, 0.2 + 0.35 * f);
        await frame();
      }
      await touch('touchEnd');
      await frame();
      assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the finger draws; the page does not scroll');
      assert.equal(await page.locator('#draw-count').innerText(), '1');
      const [drawn] = JSON.parse(await page.locator('#comment-drawing').inputValue());
      assert.equal(drawn.k, 'arrow');
      for (const [got, want] of [[drawn.x1, 0.7], [drawn.y1, 0.2], [drawn.x2, 0.35], [drawn.y2, 0.55]]) {
        assert.ok(Math.abs(got - want) < 0.01, `the arrow as fractions of the picture: ${JSON.stringify(drawn)}`);
      }
      const bar = await page.locator('#draw-bar').boundingBox();
      assert.ok(bar.x >= 0 && bar.x + bar.width <= 390 && bar.y + bar.height <= 844, `the tools fit the phone (${JSON.stringify(bar)})`);
      await settled(page);
      await viewShot(page, 'draw-phone-tools.png');
      // Beside the picture (the page's margin) a finger still scrolls the page.
      const swipe = (type, y) => cdp.send('Input.dispatchTouchEvent', {
        type, touchPoints: type === 'touchEnd' ? [] : [{ x: 8, y }],
      });
      await swipe('touchStart', 600);
      for (const y of [560, 520, 480, 440, 400]) {
        await swipe('touchMove', y);
        await frame();
      }
      await swipe('touchEnd');
      await page.waitForFunction((s) => window.scrollY > s, scrolled, { timeout: 5_000 }).catch(() => {});
      assert.ok((await page.evaluate(() => window.scrollY)) > scrolled, 'a finger beside the picture scrolls the page');
      const id = await sendComment(page, 'Mũi tên: người này cần che mặt.');
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(scrollWidth <= clientWidth + 1, `no sideways scroll (${scrollWidth} > ${clientWidth})`);

      // Reloaded: tapping the comment's mark shows the arrow where it was drawn.
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => document.getElementById('player').readyState >= 1);
      await page.locator(`#${id} .drawn`).scrollIntoViewIfNeeded();
      await viewShot(page, 'draw-phone-list.png');
      await page.locator(`#${id} .drawn`).tap();
      const line = page.locator('#overlay .shape[data-k=arrow] line.ink');
      await line.waitFor();
      const pic2 = await pictureBox(page);
      const ends = await page.evaluate(() => {
        const o = document.getElementById('overlay').getBoundingClientRect();
        const l = document.querySelector('#overlay .shape[data-k=arrow] line.ink');
        const tip = document.querySelector('#overlay .shape[data-k=arrow] polygon.ink').points[0];
        return { x1: o.left + l.x1.baseVal.value, y1: o.top + l.y1.baseVal.value, x2: o.left + tip.x, y2: o.top + tip.y };
      });
      const near = (a, b, what) => assert.ok(Math.abs(a - b) < 3, `${what}: ${a} vs ${b}`);
      near(ends.x1, pic2.x + pic2.w * 0.7, 'tail x');
      near(ends.y1, pic2.y + pic2.h * 0.2, 'tail y');
      near(ends.x2, pic2.x + pic2.w * 0.35, 'head x');
      near(ends.y2, pic2.y + pic2.h * 0.55, 'head y');
      await settled(page);
      await viewShot(page, 'draw-phone-shown.png');
      // Another comment chosen (the desk's rectangle): the arrow gives way.
      const other = page.locator('#comments .thread .tc[data-drawing]').filter({ hasText: '00:03:00' });
      await other.first().tap();
      await page.locator('#overlay .shape[data-k=rect]').waitFor();
      assert.equal(await page.locator('#overlay .shape[data-k=arrow]').count(), 0);
      assert.deepEqual(errors, [], 'no console errors');
    }, { failureScreenshot: 'draw-phone.png' });
  });
});
