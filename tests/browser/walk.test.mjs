// The desk walked as the people who use it, counting their clicks (taps,
// ticks, choosing a file, answering a confirmation; typing is not counted):
//
//  - reporter: from their home to a clip submitted for review;
//  - editor: from their home to the decision on a submitted clip;
//  - head: from their home to a political clip signed;
//  - publish: from the signed clip's page to "publishing to every channel".
//
// The counts are printed (`walk: …`) and held to what the desk promises;
// before this work the same walks took about 4, 7, 8 and 1 (the last one
// refused: no channel was ticked).
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ffmpeg, launchBrowser, logIn, shutDown, startApp, withPage } from './lib.mjs';

const CHECK_TIMEOUT_MS = 90_000;


/** A person's hand on the page: every click, tick and file choice counted. */
function hand(page) {
  const h = { clicks: 0 };
  h.click = async (locator, { navigates = true } = {}) => {
    h.clicks += 1;
    if (navigates) await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
    else await locator.click();
  };
  h.check = async (locator) => {
    h.clicks += 1;
    await locator.check();
  };
  h.chooseFile = async (locator, file) => {
    h.clicks += 1;
    await locator.setInputFiles(file);
  };
  // A confirmation the page asks (accepted by withPage) is one more tap.
  page.on('dialog', () => (h.clicks += 1));
  return h;
}

async function tickAll(page, h) {
  const boxes = page.locator('#approve-form input[name=tick]:not(:checked)');
  while ((await boxes.count()) > 0) await h.check(boxes.first());
}

async function waitFor(page, locator, tries = 60) {
  for (let i = 0; i < tries && (await locator.count()) < 1; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    await page.reload({ waitUntil: 'load' });
  }
  assert.ok((await locator.count()) > 0, `waited for ${locator}`);
}

describe('the desk walked by each person, clicks counted', { timeout: 420_000 }, () => {
  const h = {};
  let dir = null;
  let clipFile = null;
  const counts = {};

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lantoa-walk-'));
    clipFile = path.join(dir, 'walk.mp4');
    await ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=360x640:rate=25:duration=6',
      '-f', 'lavfi', '-i', 'sine=frequency=520:sample_rate=48000:duration=6',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
      '-shortest', '-movflags', '+faststart', clipFile,
    ]);
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    console.log(`walk: ${JSON.stringify(counts)}`);
    try {
      await shutDown(h);
    } finally {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('reporter: home to a clip submitted for review', async () => {
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, 'baotinh.phongvien');
      const me = hand(page);
      await me.click(page.locator('#home-upload'));
      await page.waitForFunction(() => typeof window.tus?.Upload === 'function');
      await page.locator('#title').fill('Đi bộ vì môi trường');
      me.clicks += 1; // the topic: chosen by the person, never guessed (it decides who signs)
      await page.locator('#category').selectOption('good_deeds');
      await page.locator('#caption').fill('Hàng trăm bạn trẻ nhặt rác ven sông.');
      await me.chooseFile(page.locator('#file'), clipFile);
      // "Submit when uploaded" is ticked already: the upload is the submission.
      assert.ok(await page.locator('#submit-after').isChecked());
      me.clicks += 1;
      await Promise.all([
        page.waitForURL((u) => /^\/a\/\d+\/clips\/\d+$/.test(u.pathname), { timeout: 60_000 }),
        page.locator('#upload-start').click(),
      ]);
      await page.locator('#qc-report').waitFor({ state: 'attached', timeout: CHECK_TIMEOUT_MS });
      const state = page.locator('#clip-state');
      for (let i = 0; i < 30 && (await state.getAttribute('data-state')) !== 'in_review'; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await page.reload({ waitUntil: 'load' });
      }
      assert.equal(await state.getAttribute('data-state'), 'in_review');
      counts.reporter = me.clicks;
      assert.ok(me.clicks <= 4, `reporter: ${me.clicks} clicks`);
    });
  });

  test('editor: home to the decision', async () => {
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, 'baotinh.bientap');
      const clip = page.locator('#to-sign li a', { hasText: 'Đi bộ vì môi trường' });
      await waitFor(page, clip);
      const me = hand(page);
      await me.click(clip);
      await tickAll(page, me);
      await me.click(page.locator('#decide-approve'));
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'approved');
      counts.editor = me.clicks;
      assert.ok(me.clicks <= 6, `editor: ${me.clicks} clicks`);
    });
  });

  test('head: home to a political clip signed', async () => {
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, 'baotinh.lanhdao');
      const clip = page.locator('#to-sign li:has(.tag.political) a');
      await waitFor(page, clip);
      const me = hand(page);
      await me.click(clip.first());
      await tickAll(page, me);
      await me.click(page.locator('#decide-approve'));
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'approved');
      counts.head = me.clicks;
      assert.ok(me.clicks <= 6, `head: ${me.clicks} clicks`);

      // Publish: from the signed clip's page to every channel, confirmed once.
      const pub = hand(page);
      await pub.click(page.locator('#publish-now button[type=submit]'));
      assert.match(await page.locator('#done').innerText(), /Đang đăng/);
      counts.publish = pub.clicks;
      assert.ok(pub.clicks <= 2, `publish: ${pub.clicks} clicks`);
    });
  });
});
