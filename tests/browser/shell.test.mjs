// Browser smoke test of Lantoa's page shell: login, dashboard, language
// switch (vi <-> en) and a phone-sized viewport.
//
// Run with node's built-in runner after `cargo build`:
//
//   node --test tests/browser/
//
// Environment: see lib.mjs (LANTOA_BIN, CHROMIUM, LANTOA_BROWSER_DATABASE_URL,
// LANTOA_SCREENSHOT_DIR — if set, dashboard-{vi,en,phone}.png go there).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  expectDashboard,
  expectLang,
  expectText,
  launchBrowser,
  logIn,
  screenshot,
  shutDown,
  startApp,
  withPage,
} from './lib.mjs';

const USERNAME = 'baotinh.bientap';
const PHONE = { width: 390, height: 844 };

async function clickLangSwitch(page) {
  const button = page.locator('form#lang-switch button[type=submit]');
  await button.waitFor({ state: 'visible' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

// ---------------------------------------------------------------------------
// the test

describe('page shell in a browser', { timeout: 240_000 }, () => {
  /** { app, browser, baseUrl, dataDir, appLog, spawnError }, filled by before(). */
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('login lands on the Vietnamese dashboard; the language switch toggles vi/en', async () => {
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, USERNAME);
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
    await withPage(h.browser, h.appLog, { viewport: PHONE }, async (page) => {
      await logIn(page, h.baseUrl, USERNAME);
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

  test('tables become one card per row on a phone: members and the province overview', async () => {
    for (const [user, path] of [['baotinh.quantri', null], ['btg.giamsat', '/overview']]) {
      await withPage(h.browser, h.appLog, { viewport: PHONE }, async (page) => {
        await logIn(page, h.baseUrl, user);
        const aid = path ? null : new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
        await page.goto(`${h.baseUrl}${path || `/a/${aid}/members`}`, { waitUntil: 'load' });
        const table = page.locator('table.stack');
        await table.waitFor();
        assert.equal(await table.locator('thead').isVisible(), false, 'no header row on a phone');
        const box = await page.evaluate(() => {
          const s = document.querySelector('table.stack').closest('.scroll');
          const cell = document.querySelector('table.stack td[data-label]');
          return { scroll: s.scrollWidth - s.clientWidth, label: getComputedStyle(cell, '::before').content };
        });
        assert.ok(box.scroll <= 1, `nothing scrolls sideways in ${path || 'members'} (${box.scroll} px)`);
        assert.notEqual(box.label, 'none', 'each cell names itself');
        await screenshot(page, `stack-${path ? 'overview' : 'members'}-phone.png`);
      });
    }
  });
});
