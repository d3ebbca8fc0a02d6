// Browser test of insights in the demo, whose sandbox platforms give demo
// figures for four months of published clips:
//
//  1. the head of "Báo Tỉnh" opens Hiệu quả: every section draws its chart
//     (SVG) beside a table of numbers, labelled as demo data; the best-time
//     heatmap recommends a slot; an absent figure reads "không có";
//  2. the Excel export downloads;
//  3. the printable report opens laid out for A4;
//  4. the overseer opens the province-wide view, which compares agencies and
//     has no per-author section.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, logIn, screenshot, shutDown, startApp, withPage } from './lib.mjs';

describe('insights in a browser', { timeout: 300_000 }, () => {
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('agency dashboard: charts beside tables, export, printable report', async () => {
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, 'baotinh.lanhdao');
      const aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
      await page.locator(`header nav a[href="/a/${aid}/insights"]`).click();
      await page.locator('#sec-summary').waitFor();
      assert.ok(await page.locator('#demo-data').isVisible(), 'demo data is labelled');
      for (const id of ['wide', 'speed', 'channels', 'topics', 'authors', 'length', 'besttime']) {
        const sec = page.locator(`#sec-${id}`);
        assert.ok((await sec.locator('figure.chart svg').count()) >= 1, `${id} has a chart`);
        assert.ok((await sec.locator('table tbody tr').count()) >= 1, `${id} has a table`);
      }
      // Top clips: cards linking to each clip's own curves, and a table.
      assert.ok((await page.locator('#sec-top .clipcards li').count()) >= 1);
      assert.ok((await page.locator('#sec-top tbody tr').count()) >= 1);
      // Views over the last 30 days are positive and the summary compares periods.
      const views = await page.locator('#sec-summary tbody tr').nth(1).locator('td').nth(1).innerText();
      assert.ok(Number(views.replace(/\./g, '')) > 0, `views this period: ${views}`);
      // TikTok gives no reach: somewhere a figure reads "không có", never 0.
      assert.ok((await page.locator('td', { hasText: 'không có' }).count()) >= 1);
      // The best-time section recommends a slot with the data behind it.
      assert.match(await page.locator('#sec-besttime').innerText(), /nên đăng vào|chưa đủ dữ liệu/);
      // The sections are tabs: the first until another is chosen, then that
      // one alone; "all" shows every one.
      assert.ok(await page.locator('#sec-summary').isVisible());
      assert.ok(!(await page.locator('#sec-wide').isVisible()), 'one section at a time');
      await page.locator('nav.toc a[href="#sec-wide"]').click();
      await page.locator('#sec-wide').waitFor({ state: 'visible' });
      assert.ok(!(await page.locator('#sec-summary').isVisible()), 'the chosen section alone');
      assert.equal(await page.locator('nav.toc a[aria-current]').getAttribute('href'), '#sec-wide');
      const box = await page.locator('#sec-wide figure.chart svg').first().boundingBox();
      assert.ok(box && box.width > 200 && box.height > 100, 'the chart is drawn at a readable size');
      await screenshot(page, 'insights-agency.png');
      await page.locator('nav.toc a[href="#sec-all"]').click();
      await page.locator('#sec-besttime').waitFor({ state: 'visible' });
      assert.ok(await page.locator('#sec-summary').isVisible(), 'all sections');

      // Excel export.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a[href*="export.xlsx"]').click(),
      ]);
      assert.match(download.suggestedFilename(), /\.xlsx$/);

      // Printable report of last month, A4.
      await page.goto(`${h.baseUrl}/a/${aid}/insights/report`, { waitUntil: 'load' });
      await page.locator('body.print-report #sec-summary').waitFor();
      assert.ok((await page.locator('figure.chart svg').count()) >= 5);
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 10_000, 'the report prints to PDF');
    });
  });

  test('overseer: province-wide view compares agencies', async () => {
    await withPage(h.browser, h.appLog, {}, async (page) => {
      await logIn(page, h.baseUrl, 'btg.giamsat');
      // A section's address opens its tab.
      await page.goto(`${h.baseUrl}/insights#sec-agencies`, { waitUntil: 'load' });
      await page.locator('#sec-agencies').waitFor();
      const rows = await page.locator('#sec-agencies tbody tr').count();
      assert.ok(rows >= 2, `agencies compared: ${rows}`);
      assert.equal(await page.locator('#sec-authors').count(), 0, 'no per-author section for the overseer');
      assert.ok((await page.locator('#sec-agencies figure.chart svg').count()) === 1);
      await screenshot(page, 'insights-province.png');
    });
  });
});
