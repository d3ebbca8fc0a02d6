// Browser test of the resumable clip upload (tus-js-client on /a/{aid}/clips/new):
//
//  1. a lost connection mid-upload: the second PATCH is aborted once
//     (connection reset); tus-js-client must retry by itself and finish;
//  2. a page reload mid-upload: after the first chunk is stored the page is
//     reloaded, the same file chosen again, and the upload must resume from
//     the server's offset (fingerprint in localStorage) instead of restarting.
//
// Both then follow the app to the clip page and wait for the media check's
// report (#qc-report, the htmx-triggered reload).
//
// Run with node's built-in runner after `cargo build`:
//
//   node --test tests/browser/
//
// Needs ffmpeg on PATH (the test video is generated at test time).
// Environment: see lib.mjs (LANTOA_BIN, CHROMIUM, LANTOA_BROWSER_DATABASE_URL,
// LANTOA_SCREENSHOT_DIR — if set, clip-page.png and clip-page-after-reload.png go there).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  expectDashboard,
  expectText,
  launchBrowser,
  logIn,
  screenshot,
  shutDown,
  startApp,
  withPage,
} from './lib.mjs';

const USERNAME = 'baotinh.phongvien';
const CATEGORY = 'good_deeds';
const CHUNK = 8 * 1024 * 1024; // crates/lantoa/static/upload.js chunkSize
const MIN_VIDEO_BYTES = 20 * 1024 * 1024 + 1; // > 20 MiB: at least 3 chunks
const UPLOAD_TIMEOUT_MS = 120_000; // until the last chunk is stored
// From the last chunk to the clip page (a HEAD and a page load on loopback,
// normally well under a second). Kept short of the check's few seconds, so
// that when the redirect is missing (see waitForClipPage) the clip page is
// still opened while the check runs and its live progress is exercised.
const REDIRECT_TIMEOUT_MS = 5_000;
const CHECK_TIMEOUT_MS = 90_000;
const FFMPEG_TIMEOUT_MS = 120_000;
const RESUMED_MSG = 'Tiếp tục lượt tải lên trước đó';
const QC_HEADING = 'Kết quả kiểm tra';

// ---------------------------------------------------------------------------
// the test video

function run(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr = (stderr + c.toString('utf8')).slice(-8000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${cmd}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} failed (code ${code}, signal ${signal}):\n${stderr}`));
    });
  });
}

/**
 * A 6 s 720×1280 H.264/AAC MP4 of more than 20 MiB (so at least three 8 MiB
 * chunks). testsrc2 alone compresses too well for ultrafast x264 to reach the
 * target bit rate on some builds, so a second attempt adds temporal noise.
 * `freq` (the tone) makes the files of the two scenarios differ.
 */
async function makeVideo(dir, name, freq) {
  const out = path.join(dir, name);
  const input = [
    '-f', 'lavfi', '-i', 'testsrc2=size=720x1280:rate=30:duration=6',
    '-f', 'lavfi', '-i', `sine=frequency=${freq}:sample_rate=48000:duration=6`,
  ];
  const encode = [
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '40M', '-maxrate', '40M', '-bufsize', '80M',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart',
  ];
  const attempts = [[], ['-vf', 'noise=alls=40:allf=t+u']];
  let size = 0;
  for (const filter of attempts) {
    await run(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...input, ...filter, ...encode, out],
      FFMPEG_TIMEOUT_MS,
    );
    size = (await fs.stat(out)).size;
    if (size >= MIN_VIDEO_BYTES) return { path: out, name, size };
  }
  throw new Error(`test video ${out} is only ${size} bytes; need at least ${MIN_VIDEO_BYTES}`);
}

// ---------------------------------------------------------------------------
// watching the upload

/**
 * Records every request to /api/v1/uploads[/{id}] (method, tus offsets, body
 * size, status or failure) in `log`, tagged with the current `phase`, and
 * mirrors each finished entry into the failure notes.
 *
 * Note: Chromium reports the HEAD that upload.js sends with fetch() on success
 * as failed (net::ERR_ABORTED) although the script gets the 200 response; so
 * only PATCH failures are asserted on.
 */
function watchUploads(page, diag, t0) {
  const w = { phase: 'before', log: [], t0 };
  const entries = new Map();
  const isUpload = (url) => /^\/api\/v1\/uploads(\/[^/]+)?$/.test(new URL(url).pathname);
  const ms = () => Date.now() - t0;

  page.on('request', (req) => {
    if (!isUpload(req.url())) return;
    const h = req.headers();
    const e = {
      phase: w.phase,
      at: ms(),
      method: req.method(),
      path: new URL(req.url()).pathname,
      reqOffset: h['upload-offset'] !== undefined ? Number(h['upload-offset']) : null,
      bodyBytes: req.postDataBuffer()?.length ?? null,
      contentLength: null,
      status: null,
      resOffset: null,
      clipId: null,
      failure: null,
      doneAt: null,
    };
    entries.set(req, e);
    w.log.push(e);
  });
  const done = async (req, res, failure) => {
    const e = entries.get(req);
    if (!e) return;
    try {
      const all = await req.allHeaders();
      if (all['content-length'] !== undefined) e.contentLength = Number(all['content-length']);
    } catch {
      // headers of a cancelled request may be gone
    }
    if (res) {
      e.status = res.status();
      const o = res.headers()['upload-offset'];
      if (o !== undefined) e.resOffset = Number(o);
      const c = res.headers()['lantoa-clip-id'];
      if (c !== undefined) e.clipId = c;
    }
    e.failure = failure;
    e.doneAt = ms();
    diag.note(describeRequest(e));
  };
  page.on('requestfinished', async (req) => done(req, await req.response().catch(() => null), null));
  page.on('requestfailed', (req) => done(req, null, req.failure()?.errorText ?? 'failed'));
  return w;
}

function describeRequest(e) {
  return (
    `[net +${e.at}ms..${e.doneAt ?? '?'}ms ${e.phase}] ${e.method} ${e.path}` +
    (e.reqOffset !== null ? ` Upload-Offset=${e.reqOffset}` : '') +
    ` body=${bytesSent(e) ?? '?'}` +
    ` -> ${e.status ?? e.failure ?? 'pending'}` +
    (e.resOffset !== null ? ` (offset now ${e.resOffset})` : '') +
    (e.clipId !== null ? ` Lantoa-Clip-Id=${e.clipId}` : '')
  );
}

/** Bytes a PATCH carried: the body if the browser tells, else Content-Length,
 *  else (for an answered PATCH) how far the offset moved. */
function bytesSent(e) {
  if (e.bodyBytes !== null) return e.bodyBytes;
  if (e.contentLength !== null) return e.contentLength;
  if (e.status === 204 && e.resOffset !== null && e.reqOffset !== null) return e.resOffset - e.reqOffset;
  return null;
}

const patches = (log, phase) => log.filter((e) => e.method === 'PATCH' && (!phase || e.phase === phase));

/** Every text #upload-status showed, in order (kept across reloads). */
async function recordStatus(page, statusLog, t0) {
  await page.exposeFunction('__lantoaStatus', (text, cls) => {
    statusLog.push({ at: Date.now() - t0, text: (text || '').normalize('NFC'), cls: cls || '' });
  });
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      const el = document.getElementById('upload-status');
      if (!el) return;
      new MutationObserver((records) => {
        for (const r of records) {
          // each say() replaces the text node; report the text each one set
          for (const n of r.addedNodes) window.__lantoaStatus(n.textContent, el.className);
        }
      }).observe(el, { childList: true, characterData: true, subtree: true });
    });
  });
}

// ---------------------------------------------------------------------------
// pages

/** Logs in, follows the "Clip" link in the header and the upload link. */
async function openUploadPage(page, baseUrl) {
  await logIn(page, baseUrl, USERNAME);
  await expectDashboard(page);
  const m = new URL(page.url()).pathname.match(/^\/a\/(\d+)\/?$/);
  assert.ok(m, `after login expected /a/{aid}, got ${page.url()}`);
  const aid = m[1];

  const clipsLink = page.locator(`header nav a[href="/a/${aid}/clips"]`);
  assert.equal((await clipsLink.innerText()).trim(), 'Clip', 'header link to the clip list');
  await Promise.all([page.waitForURL(`**/a/${aid}/clips`, { waitUntil: 'load' }), clipsLink.click()]);
  await Promise.all([
    page.waitForURL(`**/a/${aid}/clips/new`, { waitUntil: 'load' }),
    page.locator('#upload-link').click(),
  ]);
  await expectUploadPage(page);
  return aid;
}

async function expectUploadPage(page) {
  await page.locator('main[data-page="clip-new"] form#upload-form').waitFor({ state: 'visible' });
  // upload.js and tus.min.js are deferred; the form only works once both ran
  await page.waitForFunction(() => typeof window.tus?.Upload === 'function');
}

async function fillAndStart(page, title, file) {
  await page.locator('#title').fill(title);
  await page.locator('#category').selectOption(CATEGORY);
  await page.locator('#caption').fill('Kiểm thử tự động: tải lên có thể tiếp tục (tus).');
  await page.locator('#file').setInputFiles(file.path);
  await page.locator('#upload-start').click();
}

/**
 * Waits until the last chunk is stored, then for upload.js to open the clip
 * page. If it does not (the page stays on the upload form), the problem is
 * recorded in `problems` with what the server's HEAD said, and the clip page
 * is opened by hand from the final PATCH's Lantoa-Clip-Id so that the rest of
 * the test still runs; the test then fails at its end. Returns the clip id.
 */
async function waitForClipPage(page, { aid, baseUrl, net, size, diag, problems }) {
  const re = new RegExp(`^/a/${aid}/clips/(\\d+)$`);
  const deadline = Date.now() + UPLOAD_TIMEOUT_MS;
  let last = null;
  while (!(last = patches(net.log).find((e) => e.status === 204 && e.resOffset === size))) {
    if (Date.now() > deadline) {
      throw new Error(`upload not finished after ${UPLOAD_TIMEOUT_MS / 1000} s (no PATCH reached offset ${size})`);
    }
    await page.waitForTimeout(250);
  }
  try {
    await page.waitForURL((url) => re.test(url.pathname), {
      timeout: REDIRECT_TIMEOUT_MS,
      waitUntil: 'load',
    });
  } catch (err) {
    if (!last.clipId || re.test(new URL(page.url()).pathname)) throw err;
    // What upload.js asked the server on success, asked again.
    const probe = await page.evaluate(async (url) => {
      try {
        const r = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' }, credentials: 'same-origin' });
        return `HTTP ${r.status}; ${[...r.headers].map(([k, v]) => `${k}: ${v}`).filter((l) => /^(upload-offset|upload-length|lantoa-)/.test(l)).join('; ')}`;
      } catch (e) {
        return `fetch failed: ${e}`;
      }
    }, new URL(last.path, baseUrl).href);
    const status = await page.locator('#upload-status').innerText().catch(() => '?');
    const problem =
      `upload.js did not open the clip page within ${REDIRECT_TIMEOUT_MS / 1000} s after the last chunk ` +
      `(page ${page.url()}, #upload-status ${JSON.stringify(status)}). The final PATCH answered ` +
      `Lantoa-Clip-Id=${last.clipId}, but HEAD ${last.path} (what upload.js reads on success) answers: ${probe}`;
    problems.push(problem);
    diag.note(`[problem] ${problem}`);
    await page.goto(`${baseUrl}/a/${aid}/clips/${last.clipId}`, { waitUntil: 'load' });
  }
  await page.locator('main[data-page="clip"]').waitFor({ state: 'attached' });
  const cid = new URL(page.url()).pathname.match(re)[1];
  if (last.clipId) assert.equal(cid, last.clipId, 'clip page is the clip the upload created');
  return { cid, lastChunkAt: net.t0 + last.doneAt, pageAt: Date.now() };
}

/**
 * Waits for the media check's report (the page polls #processing and reloads
 * itself when the check is done), failing early if the check says the file
 * is invalid or the check failed. Returns whether #processing was seen.
 */
async function waitForReport(page) {
  let sawProcessing = (await page.locator('#processing').count()) > 0;
  let reloads = 0;
  const onNav = (frame) => {
    if (frame === page.mainFrame()) reloads += 1;
  };
  page.on('framenavigated', onNav);
  try {
    const outcome = page.locator('#qc-report, #invalid, #check-failed');
    await outcome.first().waitFor({ state: 'attached', timeout: CHECK_TIMEOUT_MS });
    const id = await outcome.first().getAttribute('id');
    if (id !== 'qc-report') {
      const why = (await outcome.first().innerText()).trim();
      assert.fail(`media check ended in #${id}, not #qc-report: ${why}`);
    }
  } finally {
    page.off('framenavigated', onNav);
  }
  return { sawProcessing, reloads };
}

async function expectReport(page, title) {
  assert.equal((await page.locator('main[data-page="clip"] h1').innerText()).trim(), title, 'clip title');
  assert.equal(await page.locator('video#player').count(), 1, 'video#player on the clip page');
  assert.equal(await page.locator('#compliance').count(), 1, '#compliance table on the clip page');
  await expectText(page, QC_HEADING);
  assert.equal(
    (await page.locator('#qc-report h2').first().innerText()).trim().normalize('NFC'),
    QC_HEADING,
    '#qc-report heading',
  );
}

/** Checks that the successful PATCHes covered [0, size) in order, with no gap. */
function assertContiguous(log, size) {
  const ok = patches(log).filter((e) => e.status === 204);
  let offset = 0;
  for (const e of ok) {
    assert.equal(e.reqOffset, offset, `PATCH at ${e.reqOffset}, expected ${offset}`);
    assert.ok(e.resOffset > offset, `PATCH at ${offset} moved the offset to ${e.resOffset}`);
    offset = e.resOffset;
  }
  assert.equal(offset, size, 'offset after the last PATCH is the file size');
}

// ---------------------------------------------------------------------------
// the tests

describe('resumable clip upload in a browser', { timeout: 480_000 }, () => {
  /** { app, browser, baseUrl, dataDir, appLog, spawnError }, filled by before(). */
  const h = {};
  let videoDir = null;
  let videoA = null;
  let videoB = null;

  before(async () => {
    videoDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lantoa-upload-video-'));
    [videoA, videoB] = await Promise.all([
      makeVideo(videoDir, 'gian-doan.mp4', 440),
      makeVideo(videoDir, 'tai-lai-trang.mp4', 660),
    ]);
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    try {
      await shutDown(h);
    } finally {
      if (videoDir) await fs.rm(videoDir, { recursive: true, force: true });
    }
  });

  test('a connection reset on the second chunk is retried and the upload completes', async (t) => {
    await withPage(
      h.browser,
      h.appLog,
      {},
      async (page, _context, diag) => {
        const t0 = Date.now();
        const statusLog = [];
        await recordStatus(page, statusLog, t0);
        const net = watchUploads(page, diag, t0);
        diag.note(`video ${videoA.path}: ${videoA.size} bytes (${Math.ceil(videoA.size / CHUNK)} chunks)`);

        // Abort the second PATCH once, before it reaches the server.
        let patchesSeen = 0;
        let aborted = null;
        await page.route('**/api/v1/uploads/*', async (route) => {
          const req = route.request();
          if (req.method() === 'PATCH') {
            patchesSeen += 1;
            if (patchesSeen === 2 && !aborted) {
              aborted = { offset: Number(req.headers()['upload-offset']), at: Date.now() - t0 };
              diag.note(`[route +${aborted.at}ms] aborting PATCH at offset ${aborted.offset} (connectionreset)`);
              await route.abort('connectionreset');
              return;
            }
          }
          await route.continue();
        });

        const aid = await openUploadPage(page, h.baseUrl);
        const title = 'Thử tải lên gián đoạn';
        const started = Date.now();
        await fillAndStart(page, title, videoA);
        const problems = [];
        const { lastChunkAt, pageAt } = await waitForClipPage(page, {
          aid,
          baseUrl: h.baseUrl,
          net,
          size: videoA.size,
          diag,
          problems,
        });
        const { sawProcessing, reloads } = await waitForReport(page);
        const checked = Date.now();
        t.diagnostic(
          `file ${videoA.size} B; PATCHes ${patches(net.log).length} (1 aborted); upload ${lastChunkAt - started} ms; ` +
            `last chunk -> clip page ${pageAt - lastChunkAt} ms; ` +
            `clip page -> #qc-report ${checked - pageAt} ms (#processing seen: ${sawProcessing}, ` +
            `page loads meanwhile: ${reloads})`,
        );
        await expectReport(page, title);
        await screenshot(page, 'clip-page.png');

        diag.note(`status texts: ${JSON.stringify(statusLog)}`);
        assert.ok(aborted, 'the second PATCH was intercepted and aborted');
        assert.equal(aborted.offset, CHUNK, 'the aborted PATCH was the second chunk');
        const failed = patches(net.log).filter((e) => e.failure);
        assert.equal(failed.length, 1, 'exactly one PATCH failed (the aborted one)');
        const resent = patches(net.log).find(
          (e) => e.reqOffset === aborted.offset && e.status === 204 && e.at >= aborted.at,
        );
        assert.ok(resent, `the chunk at ${aborted.offset} was sent again and stored`);
        assert.ok(
          net.log.some((e) => e.method === 'HEAD' && e.at >= aborted.at && e.at <= resent.at && e.status === 200),
          'tus-js-client asked the server for the offset (HEAD) before resending',
        );
        assert.equal(net.log.filter((e) => e.method === 'POST').length, 1, 'one upload was created');
        const bad = net.log.filter((e) => e.status !== null && e.status >= 400);
        assert.deepEqual(bad.map(describeRequest), [], 'no upload request answered with an error');
        assertContiguous(net.log, videoA.size);
        assert.ok(!statusLog.some((s) => s.cls.includes('alert')), 'no error shown in #upload-status');

        assert.deepEqual(problems, [], 'the upload page opened the clip page by itself');
      },
      { failureScreenshot: 'upload-interrupted-failure.png' },
    );
  });

  test('after a page reload the same file resumes from the server offset', async (t) => {
    await withPage(
      h.browser,
      h.appLog,
      {},
      async (page, _context, diag) => {
        const t0 = Date.now();
        const statusLog = [];
        await recordStatus(page, statusLog, t0);
        const net = watchUploads(page, diag, t0);
        diag.note(`video ${videoB.path}: ${videoB.size} bytes (${Math.ceil(videoB.size / CHUNK)} chunks)`);

        // Let the first PATCH through; hold every later one until the page is
        // reloaded (so the reload surely comes mid-upload, with exactly one
        // chunk stored), then drop them.
        let release;
        const reloaded = new Promise((r) => {
          release = r;
        });
        let patchesSeen = 0;
        const handler = async (route) => {
          const req = route.request();
          if (req.method() === 'PATCH') {
            patchesSeen += 1;
            if (patchesSeen > 1) {
              diag.note(`[route +${Date.now() - t0}ms] holding PATCH at ${req.headers()['upload-offset']} until the reload`);
              await reloaded;
              await route.abort('aborted').catch(() => {});
              return;
            }
          }
          await route.continue().catch(() => {});
        };
        await page.route('**/api/v1/uploads/*', handler);
        const firstChunkStored = page.waitForResponse(
          (res) => res.request().method() === 'PATCH' && res.status() === 204,
          { timeout: UPLOAD_TIMEOUT_MS },
        );

        const aid = await openUploadPage(page, h.baseUrl);
        const title = 'Thử tải lên sau khi tải lại trang';
        const started = Date.now();
        await fillAndStart(page, title, videoB);
        const first = await firstChunkStored;
        const offsetAtReload = Number(first.headers()['upload-offset']);
        assert.equal(offsetAtReload, CHUNK, 'the first PATCH stored one chunk');

        // Reload mid-upload.
        const reloadAt = Date.now();
        await page.reload({ waitUntil: 'load' });
        release();
        net.phase = 'after';
        await page.unroute('**/api/v1/uploads/*', handler);
        await expectUploadPage(page);
        const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')));
        assert.equal(stored.length, 1, `one tus fingerprint kept in localStorage (${JSON.stringify(stored)})`);

        // Choose the same file again: tus-js-client must find the old upload.
        await fillAndStart(page, title, videoB);
        const problems = [];
        const { lastChunkAt, pageAt } = await waitForClipPage(page, {
          aid,
          baseUrl: h.baseUrl,
          net,
          size: videoB.size,
          diag,
          problems,
        });
        const { sawProcessing, reloads } = await waitForReport(page);
        const checked = Date.now();
        t.diagnostic(
          `file ${videoB.size} B; stored before the reload ${offsetAtReload} B; upload ${lastChunkAt - started} ms` +
            ` (incl. the reload); last chunk -> clip page ${pageAt - lastChunkAt} ms; ` +
            `clip page -> #qc-report ${checked - pageAt} ms (#processing seen: ${sawProcessing}, ` +
            `page loads meanwhile: ${reloads})`,
        );
        await expectReport(page, title);
        await screenshot(page, 'clip-page-after-reload.png');

        diag.note(`status texts: ${JSON.stringify(statusLog)}`);
        assert.ok(
          statusLog.some((s) => s.at >= reloadAt - t0 && s.text.startsWith(RESUMED_MSG)),
          `#upload-status showed "${RESUMED_MSG}" after the reload`,
        );
        const after = net.log.filter((e) => e.phase === 'after');
        assert.equal(after.filter((e) => e.method === 'POST').length, 0, 'no new upload created after the reload');
        const head = after.find((e) => e.method === 'HEAD');
        assert.ok(head && head.status === 200, 'tus-js-client asked for the offset (HEAD) after the reload');
        assert.equal(head.resOffset, offsetAtReload, 'the server kept the offset across the reload');

        const afterPatches = patches(net.log, 'after');
        const sizes = afterPatches.map(bytesSent);
        assert.ok(sizes.every((n) => n !== null), `body size of every PATCH known: ${sizes}`);
        const sentAfter = sizes.reduce((a, b) => a + b, 0);
        assert.ok(afterPatches.length > 0, 'PATCHes after the reload');
        assert.equal(afterPatches[0].reqOffset, offsetAtReload, 'the first PATCH after the reload starts at the old offset');
        assert.ok(sentAfter < videoB.size, `sent ${sentAfter} B after the reload; file is ${videoB.size} B`);
        assert.equal(sentAfter, videoB.size - offsetAtReload, 'exactly the missing bytes were sent after the reload');
        assertContiguous(net.log, videoB.size);
        const bad = net.log.filter((e) => e.status !== null && e.status >= 400);
        assert.deepEqual(bad.map(describeRequest), [], 'no upload request answered with an error');
        const leftover = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')));
        assert.deepEqual(leftover, [], 'fingerprint removed from localStorage after success');

        assert.deepEqual(problems, [], 'the upload page opened the clip page by itself');
      },
      { failureScreenshot: 'upload-reload-failure.png' },
    );
  });
});
