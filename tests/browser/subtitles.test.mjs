// Browser test of subtitles, in the demo agency "bao-tinh" (channels on the
// demo's sandbox platforms):
//
//  1. the head opens the political demo clip's subtitle editor and imports an
//     SRT file with a name in the wrong case and two cues that overlap; the
//     editor lists both problems beside the player;
//  2. mends both with the keyboard only (F applies the quick fix, ↓ selects
//     the next cue, ] moves it later; Shift moves the whole track) and saves
//     with Ctrl+S; no error is left;
//  3. the clip page shows the cues being signed; the head approves and
//     publishes to every channel;
//  4. the sandbox's YouTube received a Vietnamese caption track with the
//     mended text; TikTok received other bytes than YouTube: the rendition
//     with the text burned in, whose frame while a cue is on differs from the
//     original's (ffmpeg), and matches it where no cue is on;
//  5. the editor on a 390 px phone, in English, fits the screen.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ffmpeg, launchBrowser, logIn, screenshot, shutDown, sleep, startApp, submit, withPage } from './lib.mjs';

const HEAD = 'baotinh.lanhdao';
const TITLE = 'Thông điệp của Bí thư Tỉnh ủy nhân dịp năm mới';
const FLAWED =
  '1\n00:00:00,500 --> 00:00:03,000\nChào mừng thủ đô hà nội\n\n' +
  '2\n00:00:02,500 --> 00:00:04,500\nBản tin sáng nay\n';

async function sha256(file) {
  return crypto.createHash('sha256').update(await fs.readFile(file)).digest('hex');
}

/** Every file under `dir`. */
async function files(dir) {
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

/** The mean grey-level difference of two files' frames at `at` seconds. */
async function frameDifference(a, b, at, work) {
  const fa = path.join(work, 'a.png');
  const fb = path.join(work, 'b.png');
  for (const [src, out] of [[a, fa], [b, fb]]) {
    await ffmpeg(['-ss', String(at), '-i', src, '-frames:v', '1', '-vf', 'scale=360:-2,format=gray', out]);
  }
  // The filter prints its measure on ffmpeg's log (stderr).
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-i', fa, '-i', fb, '-lavfi',
      'blend=all_mode=difference,signalstats,metadata=print:key=lavfi.signalstats.YAVG', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  return run.stderr;
}

function yavg(out) {
  const m = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(out);
  return m ? Number(m[1]) : NaN;
}

describe('subtitles: import, mend with the keyboard, approve, publish, delivered', { timeout: 400_000 }, () => {
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('the head mends an imported SRT by keyboard; YouTube gets a track, TikTok the burned picture', async () => {
    const srt = path.join(h.dataDir, 'ban-tin.srt');
    await fs.writeFile(srt, FLAWED);
    let editor = '';
    await withPage(h.browser, h.appLog, { viewport: { width: 1366, height: 900 } }, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      const aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
      await page.goto(`${h.baseUrl}/a/${aid}/channels`);
      const sandbox = (await page.locator('#sandbox-banner a').getAttribute('href')).replace(/\/+$/, '');
      let clipPath = null;
      for (let i = 0; i < 120 && !clipPath; i++) {
        await page.goto(`${h.baseUrl}/a/${aid}/queue?q=approve`, { waitUntil: 'load' });
        const link = page.locator('#queue a', { hasText: TITLE });
        if (await link.count()) clipPath = await link.first().getAttribute('href');
        else await sleep(1000);
      }
      assert.ok(clipPath, 'the demo clip is waiting for the head');
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      await page.locator('#open-subtitles').click();
      await page.waitForLoadState('load');
      editor = page.url().split('?')[0];

      // 1. Import: both problems are listed at their cues.
      await page.setInputFiles('#import-form input[type=file]', srt);
      await submit(page, page.locator('#import-form button[type=submit]'));
      await page.locator('#cue-list li.cue').nth(1).waitFor();
      assert.equal(await page.locator('#cue-list li.cue').count(), 2);
      const first = page.locator('#cue-list li.cue').nth(0);
      const second = page.locator('#cue-list li.cue').nth(1);
      await first.locator('button.fix').waitFor();
      assert.match(await first.innerText(), /Thủ đô Hà Nội/, 'the capitalisation and its fix');
      assert.equal(await second.locator('.problems .bad').count(), 1, 'the overlap is an error');
      // The waveform strip of the clip's sound, with the two cues on it.
      assert.ok(await page.locator('#wave').isVisible(), 'the waveform strip is shown');
      assert.equal(await page.locator('#wave .wave-cue').count(), 2);
      assert.ok(await page.evaluate(async () => {
        const src = getComputedStyle(document.getElementById('wave')).backgroundImage.slice(5, -2);
        const r = await fetch(src);
        return r.ok && r.headers.get('content-type') === 'image/png';
      }), 'the waveform picture is drawn');
      await screenshot(page, 'subtitles-imported-desk-vi.png');

      // 2. The keyboard only: F fixes cue 1, ↓ selects cue 2, ] ×5 moves it 0.5 s later.
      await page.locator('h1').click();
      await page.keyboard.press('f');
      await page.waitForFunction(() => document.querySelector('#cue-list li.cue textarea').value.includes('Thủ đô Hà Nội'));
      await page.keyboard.press('ArrowDown');
      for (let i = 0; i < 5; i++) await page.keyboard.press(']');
      await page.waitForFunction(
        () => document.querySelectorAll('#cue-list .problems li').length === 0,
        null,
        { timeout: 10_000 },
      );
      assert.match(await second.locator('.cue-head button').innerText(), /0:03\.000 → 0:05\.000/);
      // With Shift, the whole track moves (and back).
      await page.keyboard.press('Shift+BracketRight');
      assert.match(await first.locator('.cue-head button').innerText(), /0:00\.600 → 0:03\.100/);
      assert.match(await second.locator('.cue-head button').innerText(), /0:03\.100 → 0:05\.100/);
      await page.keyboard.press('Shift+BracketLeft');
      assert.match(await first.locator('.cue-head button').innerText(), /0:00\.500 → 0:03\.000/);
      await page.keyboard.press('Control+s');
      await page.locator('#done').waitFor();
      assert.equal(await page.locator('#cue-list .problems li').count(), 0, 'nothing left to mend after saving');
      // Playing inside a cue shows it over the picture as it will be burned in.
      await page.evaluate(() => { document.getElementById('player').currentTime = 1.0; });
      await page.waitForFunction(() => document.getElementById('cue-preview').textContent.includes('Hà Nội'));
      await page.locator('#show-zones').check();
      await screenshot(page, 'subtitles-mended-desk-vi.png');

      // 3. The clip page shows what is signed; approve, then publish.
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      assert.match(await page.locator('#subtitles').innerText(), /Chào mừng Thủ đô Hà Nội/);
      assert.match(await page.locator('#preview [data-platform=tiktok] .subs-note').innerText(), /in vào hình/);
      assert.match(await page.locator('#preview [data-platform=youtube] .subs-note').innerText(), /phụ đề rời/);
      const boxes = page.locator('#approve-form input[name=tick]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await submit(page, page.locator('#decide-approve'));
      assert.equal(await page.locator('#clip-state').getAttribute('data-state'), 'approved');
      await submit(page, page.locator('#publish-now button[type=submit]'));
      await page.waitForFunction(
        () => document.querySelector('#clip-state')?.dataset.state === 'published',
        null,
        { timeout: 240_000, polling: 1000 },
      );

      // 4. What the sandbox received.
      const records = await (await fetch(`${sandbox}/__admin/records`)).json();
      const list = Array.isArray(records) ? records : records.records;
      const isCaption = (r) => r.fields && r.fields.kind === 'youtube#caption';
      const yt = list.find((r) => r.platform === 'youtube' && !isCaption(r) && r.title.startsWith(TITLE.slice(0, 20)));
      const tt = list.filter((r) => r.platform === 'tiktok').at(-1);
      assert.ok(yt && tt, `YouTube and TikTok received the clip: ${JSON.stringify(list.map((r) => [r.platform, r.title]))}`);
      const track = list.find((r) => isCaption(r) && r.fields.videoId === yt.id);
      assert.ok(track, 'YouTube received a caption track for the video');
      assert.equal(track.fields.language, 'vi');
      assert.match(track.text, /Chào mừng Thủ đô Hà Nội/);
      assert.notEqual(tt.sha256, yt.sha256, 'TikTok received other bytes than the original');
      const media = await files(path.join(h.dataDir, 'media'));
      let burned = null;
      let original = null;
      for (const f of media.filter((f) => !f.endsWith('.jpg') && !f.endsWith('.png'))) {
        const s = await sha256(f);
        if (s === tt.sha256) burned = f;
        if (s === yt.sha256) original = f;
      }
      assert.ok(burned && original, 'the burned rendition and the original are in storage');
      const work = await fs.mkdtemp(path.join(h.dataDir, 'frames-'));
      const on = yavg(await frameDifference(original, burned, 1.5, work));
      const off = yavg(await frameDifference(original, burned, 6.0, work));
      console.log(`frame difference from the original: ${on} with a cue on, ${off} with none`);
      assert.ok(on > 2 * off && on > 1.5, `text is drawn while a cue is on (${on}) and not after (${off})`);
    }, { failureScreenshot: 'subtitles-failure.png' });

    // 5. The editor on a phone, in English, fits the screen.
    await withPage(h.browser, h.appLog, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' }, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.evaluate(() => document.getElementById('lang-switch').requestSubmit()),
      ]);
      await page.goto(editor, { waitUntil: 'load' });
      await page.locator('#cue-list li.cue').first().waitFor();
      assert.match(await page.locator('h1').innerText(), /^Subtitles · Vietnamese/);
      assert.match(await page.locator('#subs-keys').innerText(), /Split the cue at the playhead/);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 392, `no sideways scroll on a phone (${wide} px)`);
      await screenshot(page, 'subtitles-phone.png');
    });
  });
});
