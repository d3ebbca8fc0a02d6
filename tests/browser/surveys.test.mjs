// Audience surveys in a browser: the head builds one from the template and
// publishes it; a person answers it on a 390 px phone with JavaScript off
// (the form is taken after the few seconds a form without script must have
// been open) and another with it on (the proof of work is solved by the
// page's script); the results show both answers and the export links.
//
//   cargo build -p lantoa && node --test tests/browser/surveys.test.mjs
//
// Environment: see lib.mjs (LANTOA_BIN, LANTOA_SCREENSHOT_DIR for
// survey-{phone-nojs,phone-js,results,builder}.png).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectText, launchBrowser, logIn, screenshot, shutDown, startApp, withPage } from './lib.mjs';

const HEAD = 'baotinh.lanhdao';
const PHONE = { width: 390, height: 844 };

/** Answers the template's questions on the open page. */
async function answer(page, wish) {
  await page.check('#q1-o1');
  await page.check('#q1-o3');
  await page.check('#q2-o2');
  await page.check('#q3-o4');
  await page.check('#q4-o2');
  await page.check('#q5-o1');
  await page.check('#q6-o1');
  await page.check('#q7-o4');
  for (const [o, n] of [['o1', '2'], ['o2', '1'], ['o3', '3'], ['o4', '4']]) {
    await page.selectOption(`#q8-${o}`, n);
  }
  await page.check('#q9-4');
  await page.fill('#q10-text', wish);
}

describe('audience surveys in a browser', { timeout: 300_000 }, () => {
  const h = {};
  let publicPath = '';
  let resultsPath = '';

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('the head builds a survey from the template and publishes it', async () => {
    await withPage(h.browser, h.appLog, { viewport: PHONE }, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      const agency = new URL(page.url()).pathname.match(/\/a\/(\d+)/)?.[1]
        ?? (await page.locator('a[href^="/a/"]').first().getAttribute('href')).match(/\/a\/(\d+)/)[1];
      await page.goto(`${h.baseUrl}/a/${agency}/surveys`);
      await Promise.all([page.waitForNavigation(), page.click('#survey-create')]);
      await expectText(page, 'Đã tạo khảo sát');
      await Promise.all([page.waitForNavigation(), page.click('#publish')]);
      await expectText(page, 'Đã công bố khảo sát');
      publicPath = await page.locator('#public-link').getAttribute('href');
      assert.match(publicPath, /^\/s\/[A-Za-z0-9_-]{22}$/);
      resultsPath = new URL(page.url()).pathname + '/results';
      await screenshot(page, 'survey-builder.png');
    });
  });

  test('a phone without JavaScript answers it', async () => {
    await withPage(h.browser, h.appLog, { viewport: PHONE, javaScriptEnabled: false }, async (page) => {
      await page.goto(h.baseUrl + publicPath);
      await expectText(page, 'Khảo sát nhu cầu và thói quen xem video ngắn');
      const width = await page.evaluate(() => document.documentElement.scrollWidth).catch(() => null);
      assert.ok(width === null || width <= PHONE.width, `no sideways scroll (${width})`);
      await answer(page, 'Video về du lịch và nông nghiệp');
      await screenshot(page, 'survey-phone-nojs.png');
      // A form without script is taken once it has been open a few seconds.
      await page.waitForTimeout(3500);
      await Promise.all([page.waitForNavigation(), page.click('#send')]);
      await expectText(page, 'Câu trả lời đã được ghi nhận');
    });
  });

  test('a phone with JavaScript answers it, in English', async () => {
    const ctx = { viewport: PHONE, userAgent: 'Mozilla/5.0 (Linux; Android 12) survey-second-phone' };
    await withPage(h.browser, h.appLog, ctx, async (page) => {
      await page.goto(h.baseUrl + publicPath + '?lang=en');
      await expectText(page, 'Send answers');
      await answer(page, 'More local food videos');
      // The script fills in the proof while the person reads.
      await page.waitForFunction(() => document.querySelector('input[name=pow]').value !== '');
      await screenshot(page, 'survey-phone-js.png');
      await Promise.all([page.waitForNavigation(), page.click('#send')]);
      await expectText(page, 'Your answers have been recorded');
      // The same phone again: told kindly, not counted (the results below
      // still show two answers).
      await page.goto(h.baseUrl + publicPath + '?lang=en');
      await answer(page, 'Counted twice?');
      await page.waitForFunction(() => document.querySelector('input[name=pow]').value !== '');
      await Promise.all([page.waitForNavigation(), page.click('#send')]);
      await expectText(page, 'already answered the survey today');
      await screenshot(page, 'survey-phone-again.png');
    });
  });

  test('the results show both answers and the exports', async () => {
    await withPage(h.browser, h.appLog, { viewport: { width: 1366, height: 900 } }, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      await page.goto(h.baseUrl + resultsPath);
      await expectText(page, '2 câu trả lời');
      assert.equal(await page.locator('#export-csv').count(), 1);
      assert.equal(await page.locator('#export-xlsx').count(), 1);
      const csv = await page.request.get(h.baseUrl + resultsPath + '.csv');
      assert.equal(csv.status(), 200);
      assert.match(await csv.text(), /More local food videos/);
      await screenshot(page, 'survey-results.png');
    });
  });
});
