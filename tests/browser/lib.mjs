// Shared helpers of Lantoa's browser tests (node --test tests/browser/):
// starting `lantoa demo` on a free port with a throw-away data directory,
// launching Debian's chromium through playwright-core, logging in, and
// printing useful context when a test fails.
//
// Environment:
//   LANTOA_BIN                    app binary (default: <repo>/target/debug/lantoa)
//   CHROMIUM                      browser binary (default: /usr/bin/chromium)
//   LANTOA_BROWSER_DATABASE_URL   passed to the app as LANTOA_DATABASE_URL
//                                 (unset: the app's own default store)
//   LANTOA_SCREENSHOT_DIR         if set, tests save screenshots there
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const APP_BIN = process.env.LANTOA_BIN || path.resolve(REPO_ROOT, 'target/debug/lantoa');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOT_DIR = process.env.LANTOA_SCREENSHOT_DIR || '';

/** Every demo account's password. */
export const DEMO_PASSWORD = 'lantoa-demo';

export const HEALTH_TIMEOUT_MS = 60_000;
export const NAV_TIMEOUT_MS = 30_000;
export const ACTION_TIMEOUT_MS = 30_000;
export const KILL_GRACE_MS = 5_000;
export const LOG_LIMIT = 256 * 1024;

export const CHROMIUM_ARGS = [
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
// processes

export function freePort() {
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps the tail of the app's output, for printing when something fails. */
export class OutputLog {
  constructor() {
    this.text = '';
  }
  append(prefix, chunk) {
    const lines = chunk.toString('utf8').replace(/\n$/, '').split('\n');
    this.text += lines.map((l) => `${prefix} ${l}`).join('\n') + '\n';
    if (this.text.length > LOG_LIMIT) this.text = this.text.slice(-LOG_LIMIT);
  }
}

export function appEnv(port, dataDir) {
  const env = {
    ...process.env,
    LANTOA_LISTEN: `127.0.0.1:${port}`,
    LANTOA_DATA_DIR: dataDir,
    LANTOA_DATABASE_URL: process.env.LANTOA_BROWSER_DATABASE_URL || '',
  };
  if (!env.LANTOA_DATABASE_URL) delete env.LANTOA_DATABASE_URL;
  return env;
}

export function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function stopApp(child) {
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

export async function waitForHealthy(baseUrl, child, spawnError) {
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

/**
 * Starts `lantoa demo` on a free port with a fresh temporary data directory
 * and waits until /healthz answers 200. Fills in and returns `handle`
 * ({ app, baseUrl, dataDir, appLog, spawnError }) as it goes, so that
 * `shutDown(handle)` cleans up even when starting fails half-way.
 */
export async function startApp(handle = {}, { dataDirPrefix = 'lantoa-browser-' } = {}) {
  const port = await freePort();
  handle.baseUrl = `http://127.0.0.1:${port}`;
  handle.appLog = handle.appLog || new OutputLog();
  handle.spawnError = { error: null };
  handle.dataDir = await fs.mkdtemp(path.join(os.tmpdir(), dataDirPrefix));

  handle.app = spawn(APP_BIN, ['demo'], {
    cwd: REPO_ROOT,
    env: appEnv(port, handle.dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  handle.app.on('error', (err) => {
    handle.spawnError.error = err;
  });
  handle.app.stdout.on('data', (c) => handle.appLog.append('[app:out]', c));
  handle.app.stderr.on('data', (c) => handle.appLog.append('[app:err]', c));

  try {
    await waitForHealthy(handle.baseUrl, handle.app, handle.spawnError);
  } catch (err) {
    console.error(`--- app output (tail):\n${handle.appLog.text}`);
    throw err;
  }
  return handle;
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** Closes the browser, stops the app and removes its data directory (each
 *  step even when an earlier one fails). Accepts a partly filled handle. */
export async function shutDown({ browser, app, dataDir } = {}) {
  try {
    if (browser) await browser.close().catch(() => {});
  } finally {
    try {
      await stopApp(app);
    } finally {
      if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------
// pages

/**
 * Runs `fn(page, context, diag)` in a fresh browser context; on failure prints
 * where the page was, its HTML head, the browser console, anything the test
 * added with `diag.note(line)`, and the app's output; then rethrows. With
 * `failureScreenshot` and LANTOA_SCREENSHOT_DIR set, a screenshot of the page
 * at the moment of failure is saved under that name.
 */
export async function withPage(browser, appLog, contextOptions, fn, { failureScreenshot } = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...contextOptions });
  context.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  const consoleLines = [];
  const notes = [];
  const diag = {
    note: (line) => notes.push(line),
  };
  page.on('console', (m) => consoleLines.push(`[console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  // A form that asks before it acts (`data-confirm`) is answered yes, and the
  // question is kept for the test to check (`page.dialogs`).
  page.dialogs = [];
  page.on('dialog', (d) => {
    page.dialogs.push(d.message());
    d.accept().catch(() => {});
  });
  try {
    await fn(page, context, diag);
  } catch (err) {
    let html = '';
    try {
      html = (await page.content()).slice(0, 4000);
    } catch {
      html = '(page content unavailable)';
    }
    if (failureScreenshot) await screenshot(page, failureScreenshot).catch(() => {});
    console.error(
      `--- failure at ${page.url()}\n--- page HTML (start):\n${html}\n` +
        `--- browser console:\n${consoleLines.join('\n')}\n` +
        (notes.length ? `--- test notes:\n${notes.join('\n')}\n` : '') +
        `--- app output (tail):\n${appLog.text}`,
    );
    throw err;
  } finally {
    await context.close().catch(() => {});
  }
}

/** Text of the page, NFC-normalised (innerText and textContent, so that CSS
 *  text-transform or hidden-but-present text does not make the check flaky). */
export async function pageText(page) {
  const text = await page.evaluate(
    () => `${document.title}\n${document.body?.innerText ?? ''}\n${document.body?.textContent ?? ''}`,
  );
  return text.normalize('NFC');
}

export async function expectText(page, wanted, timeout = ACTION_TIMEOUT_MS) {
  const want = wanted.normalize('NFC');
  try {
    await page.waitForFunction(
      (w) => {
        const t = `${document.title}\n${document.body?.innerText ?? ''}\n${document.body?.textContent ?? ''}`;
        return t.normalize('NFC').includes(w);
      },
      want,
      { timeout },
    );
  } catch {
    // fall through to a readable assertion message
  }
  const text = await pageText(page);
  assert.ok(text.includes(want), `expected page ${page.url()} to contain ${JSON.stringify(wanted)}`);
}

export async function expectLang(page, lang) {
  await page
    .waitForSelector(`html[lang="${lang}"]`, { state: 'attached', timeout: ACTION_TIMEOUT_MS })
    .catch(() => {});
  assert.equal(await page.getAttribute('html', 'lang'), lang, `html[lang] on ${page.url()}`);
}

export async function expectDashboard(page) {
  await page
    .locator('main[data-page="dashboard"]')
    .waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
  assert.ok(await page.locator('main[data-page="dashboard"]').isVisible(), 'dashboard main visible');
}

export async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}

/** Logs in through the form at /login (GET / must redirect there) and waits
 *  for the page the app sends the user to. */
export async function logIn(page, baseUrl, username, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
  assert.equal(new URL(page.url()).pathname, '/login', `GET / should redirect to /login, got ${page.url()}`);

  const form = page.locator('form#login-form');
  await form.waitFor({ state: 'visible' });
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'load' }),
    form.locator('button[type=submit]').click(),
  ]);
}

/** Clicks a submit button, waits for the page it leads to, and fails with the
 * page's refusal message if it shows one. */
export async function submit(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  const notice = page.locator('#notice');
  if (await notice.count()) assert.fail(`refused: ${(await notice.innerText()).trim()}`);
}

/** Runs ffmpeg quietly (test media are generated, never stored). */
export function ffmpeg(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed: ${err}`))));
  });
}
