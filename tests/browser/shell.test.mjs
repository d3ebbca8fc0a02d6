// Browser smoke test of Lantoa's page shell: login, dashboard, language
// switch (vi <-> en) and a phone-sized viewport.
//
// Run with node's built-in runner after `cargo build`:
//
//   node --test tests/browser/
//
// Environment:
//   LANTOA_BIN                    app binary (default: <repo>/target/debug/lantoa)
//   CHROMIUM                      browser binary (default: /usr/bin/chromium)
//   LANTOA_BROWSER_DATABASE_URL   passed to the app as LANTOA_DATABASE_URL
//                                 (unset: the app's own default store)
//   LANTOA_SCREENSHOT_DIR         if set, dashboard-{vi,en,phone}.png go there
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const APP_BIN = process.env.LANTOA_BIN || path.resolve(REPO_ROOT, 'target/debug/lantoa');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT_DIR = process.env.LANTOA_SCREENSHOT_DIR || '';

const USERNAME = 'baotinh.bientap';
const PASSWORD = 'lantoa-demo';

const HEALTH_TIMEOUT_MS = 60_000;
const NAV_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 30_000;
const KILL_GRACE_MS = 5_000;
const PHONE = { width: 390, height: 844 };
const LOG_LIMIT = 256 * 1024;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------------------
// helpers

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps the tail of the app's output, for printing when something fails. */
class OutputLog {
  constructor() {
    this.text = '';
  }
  append(prefix, chunk) {
    const lines = chunk.toString('utf8').replace(/\n$/, '').split('\n');
    this.text += lines.map((l) => `${prefix} ${l}`).join('\n') + '\n';
    if (this.text.length > LOG_LIMIT) this.text = this.text.slice(-LOG_LIMIT);
  }
}

function appEnv(port, dataDir) {
  const env = {
    ...process.env,
    LANTOA_LISTEN: `127.0.0.1:${port}`,
    LANTOA_DATA_DIR: dataDir,
    LANTOA_DATABASE_URL: process.env.LANTOA_BROWSER_DATABASE_URL || '',
  };
  if (!env.LANTOA_DATABASE_URL) delete env.LANTOA_DATABASE_URL;
  return env;
}

function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopApp(child) {
  if (!child || child.pid === undefined || hasExited(child)) return;
  const exited = new Promise((resolve) => child.once('exit', () => resolve('exited')));
  const waitExit = async (ms) => {
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  child.kill('SIGTERM');
  if ((await waitExit(KILL_GRACE_MS)) === 'timeout' && !hasExited(child)) {
    child.kill('SIGKILL');
    await waitExit(KILL_GRACE_MS);
  }
}

async function waitForHealthy(baseUrl, child, spawnError) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (spawnError.error) throw new Error(`could not start ${APP_BIN}: ${spawnError.error.message}`);
    if (hasExited(child)) {
      throw new Error(
        `app exited before it was healthy (code ${child.exitCode}, signal ${child.signalCode})`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await sleep(250);
  }
  throw new Error(`${baseUrl}/healthz not 200 after ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`);
}

/** Text of the page, NFC-normalised (innerText and textContent, so that CSS
 *  text-transform or hidden-but-present text does not make the check flaky). */
async function pageText(page) {
  const text = await page.evaluate(
    () => `${document.title}\n${document.body?.innerText ?? ''}\n${document.body?.textContent ?? ''}`,
  );
  return text.normalize('NFC');
}

async function expectText(page, wanted) {
  const want = wanted.normalize('NFC');
  try {
    await page.waitForFunction(
      (w) => {
        const t = `${document.title}\n${document.body?.innerText ?? ''}\n${document.body?.textContent ?? ''}`;
        return t.normalize('NFC').includes(w);
      },
      want,
      { timeout: ACTION_TIMEOUT_MS },
    );
  } catch {
    // fall through to a readable assertion message
  }
  const text = await pageText(page);
  assert.ok(text.includes(want), `expected page ${page.url()} to contain ${JSON.stringify(wanted)}`);
}

async function expectLang(page, lang) {
  await page
    .waitForSelector(`html[lang="${lang}"]`, { state: 'attached', timeout: ACTION_TIMEOUT_MS })
    .catch(() => {});
  assert.equal(await page.getAttribute('html', 'lang'), lang, `html[lang] on ${page.url()}`);
}

async function expectDashboard(page) {
  await page
    .locator('main[data-page="dashboard"]')
    .waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
  assert.ok(await page.locator('main[data-page="dashboard"]').isVisible(), 'dashboard main visible');
}

async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}

async function logIn(page, baseUrl) {
  await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
  assert.equal(new URL(page.url()).pathname, '/login', `GET / should redirect to /login, got ${page.url()}`);

  const form = page.locator('form#login-form');
  await form.waitFor({ state: 'visible' });
  await form.locator('input[name=username]').fill(USERNAME);
  await form.locator('input[name=password]').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'load' }),
    form.locator('button[type=submit]').click(),
  ]);
}

async function clickLangSwitch(page) {
  const button = page.locator('form#lang-switch button[type=submit]');
  await button.waitFor({ state: 'visible' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

// ---------------------------------------------------------------------------
// the test

describe('page shell in a browser', { timeout: 240_000 }, () => {
  let app = null;
  let dataDir = null;
  let browser = null;
  let baseUrl = '';
  const appLog = new OutputLog();
  const spawnError = { error: null };

  /** Runs `fn(page)` in a fresh context; on failure prints where the page
   *  was, its HTML head, and the app's output, then rethrows. */
  async function withPage(contextOptions, fn) {
    const context = await browser.newContext({ locale: 'vi-VN', ...contextOptions });
    context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    try {
      await fn(page);
    } catch (err) {
      let html = '';
      try {
        html = (await page.content()).slice(0, 4000);
      } catch {
        html = '(page content unavailable)';
      }
      console.error(
        `--- failure at ${page.url()}\n--- page HTML (start):\n${html}\n` +
          `--- browser console:\n${consoleLines.join('\n')}\n` +
          `--- app output (tail):\n${appLog.text}`,
      );
      throw err;
    } finally {
      await context.close().catch(() => {});
    }
  }

  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lantoa-browser-'));

    app = spawn(APP_BIN, ['demo'], {
      cwd: REPO_ROOT,
      env: appEnv(port, dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.on('error', (err) => {
      spawnError.error = err;
    });
    app.stdout.on('data', (c) => appLog.append('[app:out]', c));
    app.stderr.on('data', (c) => appLog.append('[app:err]', c));

    try {
      await waitForHealthy(baseUrl, app, spawnError);
    } catch (err) {
      console.error(`--- app output (tail):\n${appLog.text}`);
      throw err;
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  });

  after(async () => {
    try {
      if (browser) await browser.close().catch(() => {});
    } finally {
      try {
        await stopApp(app);
      } finally {
        if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
      }
    }
  });

  test('login lands on the Vietnamese dashboard; the language switch toggles vi/en', async () => {
    await withPage({}, async (page) => {
      await logIn(page, baseUrl);
      await expectDashboard(page);
      await expectLang(page, 'vi');
      await expectText(page, 'Bảng điều khiển');
      await screenshot(page, 'dashboard-vi.png');

      await clickLangSwitch(page);
      await expectLang(page, 'en');
      await expectDashboard(page);
      await expectText(page, 'Dashboard');
      await screenshot(page, 'dashboard-en.png');

      await clickLangSwitch(page);
      await expectLang(page, 'vi');
      await expectDashboard(page);
      await expectText(page, 'Bảng điều khiển');
    });
  });

  test('dashboard fits a phone viewport without horizontal scroll', async () => {
    await withPage({ viewport: PHONE }, async (page) => {
      await logIn(page, baseUrl);
      await expectDashboard(page);
      assert.ok(await page.locator('main').first().isVisible(), 'main visible on a phone');
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(
        scrollWidth <= PHONE.width + 1,
        `horizontal scroll on a ${PHONE.width}px viewport: scrollWidth ${scrollWidth} (clientWidth ${clientWidth})`,
      );
      await screenshot(page, 'dashboard-phone.png');
    });
  });
});
