// Browser tests of the directive's loop beside publishing: an incident the
// head reports from a phone and the overseer acknowledges, asks about and
// closes at a desk, with its printed report; a campaign the overseer
// launches, a clip the head tags and publishes, and the coverage it shows;
// the province scorecard and its PDF.
//
// Run with node's built-in runner after `cargo build`: node --test tests/browser/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, logIn, screenshot, shutDown, sleep, startApp, submit, withPage } from './lib.mjs';

const HEAD = 'baotinh.lanhdao';
const OVERSEER = 'btg.giamsat';
const PHONE = { viewport: { width: 390, height: 844 } };
const DESK = { viewport: { width: 1366, height: 800 } };
const POLITICAL = 'Thông điệp của Bí thư Tỉnh ủy nhân dịp năm mới';
// A PNG's signature and a little more: told as an image by its first bytes.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

/** The overseer's body, from the menu. */
async function bodyOf(page) {
  const href = await page.locator('header nav a[href$="/incidents"][href^="/b/"]').first().getAttribute('href');
  return href.match(/^\/b\/(\d+)/)[1];
}

describe('the directive in a browser', { timeout: 420_000 }, () => {
  const h = {};

  before(async () => {
    await startApp(h);
    h.browser = await launchBrowser();
  });

  after(async () => {
    await shutDown(h);
  });

  test('an incident: reported from a phone, acknowledged, asked about, answered and closed', async () => {
    let incident = null;
    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      const aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
      await page.goto(`${h.baseUrl}/a/${aid}/incidents`, { waitUntil: 'load' });
      await page.locator('#report-incident').click();
      await page.locator('#incident-form').waitFor();
      await page.selectOption('select[name=kind]', 'platform_removal');
      await page.selectOption('select[name=severity]', 'critical');
      await page.fill('input[name=title]', 'YouTube gỡ clip lễ hội vì bản quyền');
      await page.fill('textarea[name=description]', 'Clip bị gỡ sau 2 giờ; đã gửi kháng nghị kèm giấy phép âm nhạc.');
      await page.setInputFiles('input[name=file]', { name: 'thong-bao.png', mimeType: 'image/png', buffer: PNG });
      await screenshot(page, 'incident-form-phone.png');
      await submit(page, page.locator('#incident-form button[type=submit]'));
      assert.match(await page.locator('#done').innerText(), /Đã gửi báo cáo sự cố/);
      assert.match(await page.locator('#incident-state').innerText(), /Chờ tiếp nhận/);
      assert.equal(await page.locator('#body-steps').count(), 0, 'the agency sees no body buttons');
      assert.equal(await page.locator('#timeline a[download]').innerText(), 'thong-bao.png');
      incident = new URL(page.url()).pathname;
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scroll on a phone (${width} px)`);
      await screenshot(page, 'incident-reported-phone.png');
    });

    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, OVERSEER);
      const bid = await bodyOf(page);
      await page.goto(`${h.baseUrl}/b/${bid}/incidents`, { waitUntil: 'load' });
      await page.locator('#incidents a', { hasText: 'YouTube gỡ clip lễ hội' }).click();
      await page.locator('#body-steps').waitFor();
      await submit(page, page.locator('#step-acknowledge'));
      assert.match(await page.locator('#incident-state').innerText(), /Đã tiếp nhận/);
      await page.fill('#body-step-form textarea[name=text]', 'Đề nghị gửi bản chụp thông báo của YouTube.');
      await submit(page, page.locator('#step-ask'));
      assert.match(await page.locator('#incident-state').innerText(), /Chờ cơ quan bổ sung/);
      await screenshot(page, 'incident-overseer-desk.png');
    });

    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      await page.goto(`${h.baseUrl}${incident}`, { waitUntil: 'load' });
      await page.fill('#note-form textarea[name=text]', 'Đã gửi kèm bản chụp thông báo.');
      await page.setInputFiles('#note-form input[name=file]', { name: 'ban-chup.png', mimeType: 'image/png', buffer: PNG });
      await submit(page, page.locator('#note-form button[type=submit]'));
      assert.match(await page.locator('#incident-state').innerText(), /Đã tiếp nhận/);
    });

    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, OVERSEER);
      await page.goto(`${h.baseUrl}${incident}`, { waitUntil: 'load' });
      await page.fill('#body-step-form textarea[name=text]', 'Cơ quan đã xử lý đúng quy trình; theo dõi kết quả kháng nghị.');
      await submit(page, page.locator('#step-close'));
      assert.match(await page.locator('#incident-state').innerText(), /Đã đóng/);
      assert.match(await page.locator('#conclusion').innerText(), /đúng quy trình/);
      await page.locator('#print-report').click();
      await page.waitForLoadState('load');
      const text = await page.locator('body').innerText();
      assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
      assert.match(text, /BÁO CÁO SỰ CỐ/);
      await screenshot(page, 'incident-report.png');
      const pdf = await page.request.get(await page.locator('#report-pdf').getAttribute('href').then((p) => `${h.baseUrl}${p}`));
      assert.equal(pdf.status(), 200);
      assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');
    });
  });

  test('a campaign: launched, a clip tagged and published, coverage shown', async () => {
    let campaign = null;
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, OVERSEER);
      const bid = await bodyOf(page);
      await page.goto(`${h.baseUrl}/b/${bid}/campaigns`, { waitUntil: 'load' });
      await page.locator('#new-campaign').click();
      await page.fill('input[name=name]', 'Tháng hành động vì môi trường');
      const today = new Date().toISOString().slice(0, 10);
      const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
      await page.fill('input[name=starts_on]', today);
      await page.fill('input[name=ends_on]', later);
      await page.fill('input[name=hashtags]', '#moitruong #xanh');
      await page.fill('textarea[name=brief]', 'Mỗi cơ quan đăng clip về phân loại rác tại nguồn.');
      await screenshot(page, 'campaign-form-desk.png');
      await submit(page, page.locator('#campaign-form button[type=submit]'));
      assert.match(await page.locator('#done').innerText(), /Đã lưu chiến dịch/);
      campaign = new URL(page.url()).pathname.match(/campaigns\/(\d+)/)[1];
    });

    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, HEAD);
      const aid = new URL(page.url()).pathname.match(/^\/a\/(\d+)/)[1];
      assert.ok(await page.locator('#home-campaigns').count(), 'running campaigns on the home');
      let clipPath = null;
      for (let i = 0; i < 120 && !clipPath; i++) {
        await page.goto(`${h.baseUrl}/a/${aid}/queue?q=approve`, { waitUntil: 'load' });
        const link = page.locator('#queue a', { hasText: POLITICAL });
        if (await link.count()) clipPath = await link.first().getAttribute('href');
        else await sleep(1000);
      }
      assert.ok(clipPath, 'the demo clip waits for the head');
      await page.goto(`${h.baseUrl}${clipPath}`, { waitUntil: 'load' });
      await page.selectOption('#campaign select[name=campaign_id]', campaign);
      await submit(page, page.locator('#campaign button[type=submit]'));
      assert.match(await page.locator('#done').innerText(), /Đã lưu chiến dịch của clip/);
      const boxes = page.locator('#approve-form input[name=tick]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await submit(page, page.locator('#decide-approve'));
      await submit(page, page.locator('#publish-now button[type=submit]'));
      await page.waitForFunction(() => document.querySelector('#clip-state')?.dataset.state === 'published', null, { timeout: 120_000, polling: 500 });
      await page.goto(`${h.baseUrl}/a/${aid}/campaigns/${campaign}`, { waitUntil: 'load' });
      assert.match(await page.locator('#campaign-clips').innerText(), /Thông điệp của Bí thư/);
    });

    await withPage(h.browser, h.appLog, PHONE, async (page) => {
      await logIn(page, h.baseUrl, OVERSEER);
      const bid = await bodyOf(page);
      await page.goto(`${h.baseUrl}/b/${bid}/campaigns/${campaign}`, { waitUntil: 'load' });
      const row = page.locator('#coverage tr', { hasText: 'Báo Tỉnh' });
      assert.match(await row.innerText(), /1\s*\/\s*3/, 'one of the three expected clips published');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scroll on a phone (${width} px)`);
      await screenshot(page, 'campaign-coverage-phone.png');
    });
  });

  test('the province scorecard and its PDF', async () => {
    await withPage(h.browser, h.appLog, DESK, async (page) => {
      await logIn(page, h.baseUrl, OVERSEER);
      const bid = await bodyOf(page);
      await page.locator(`header nav a[href="/b/${bid}/scorecard"]`).click();
      await page.locator('#scorecard').waitFor();
      assert.ok((await page.locator('#scorecard tbody tr').count()) >= 4, 'three agencies and the median');
      assert.match(await page.locator('#score-median').innerText(), /Trung vị toàn tỉnh/);
      await screenshot(page, 'scorecard-desk.png');
      await page.locator('#score-print').click();
      await page.waitForLoadState('load');
      assert.match(await page.locator('h1').innerText(), /Bảng đánh giá các cơ quan/);
      const pdf = await page.request.get(`${h.baseUrl}/b/${bid}/scorecard/report?pdf=true`);
      assert.equal(pdf.status(), 200);
      assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');
    });
  });
});
