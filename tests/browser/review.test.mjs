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
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
// Needs ffmpeg on PATH. Environment: see lib.mjs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ffmpeg, launchBrowser, logIn, screenshot, shutDown, startApp, submit, withPage } from './lib.mjs';

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
});
