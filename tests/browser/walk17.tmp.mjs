import { launchBrowser, logIn, sleep } from './lib.mjs';
const base = 'http://127.0.0.1:8097';
const out = '/tmp/shots17c';
const browser = await launchBrowser();
const logs = [];
async function ctx(opts) { const c = await browser.newContext(opts); const p = await c.newPage();
  p.on('response', (r) => { if (r.status() >= 400) logs.push('HTTP ' + r.status() + ' ' + r.url()); });
  p.on('console', (m) => { if (m.type() === 'error') logs.push('console ' + m.text() + ' @ ' + p.url()); });
  return p; }
// analyst phone vi: outlet admin page
let p = await ctx({ viewport: { width: 390, height: 844 } });
await logIn(p, base, 'baotinh.phantich');
await p.goto(base + '/a/2/outlet');
await p.screenshot({ path: out + '/admin-phone-vi.png', fullPage: true });
const w = await p.evaluate(() => document.documentElement.scrollWidth);
console.log('admin phone width', w);
await p.goto(base + '/a/2/channels');
await p.screenshot({ path: out + '/channels-phone-vi.png', fullPage: true });
// head desk en: a clip page of an outlet clip, and insights
let d = await ctx({ viewport: { width: 1366, height: 800 } });
await logIn(d, base, 'baotinh.lanhdao');
await d.evaluate(() => document.getElementById('lang-switch')?.submit());
await sleep(800);
await d.goto(base + '/a/2/clips?q=lua chin');
await d.locator('a', { hasText: 'Mùa lúa chín' }).first().click();
await d.waitForLoadState('load');
await d.screenshot({ path: out + '/clip-desk-en.png', fullPage: true });
await d.goto(base + '/a/2/insights');
const txt = await d.locator('main').innerText();
console.log('insights mentions outlet:', txt.includes('Own outlet'), txt.includes('Trang riêng'));
await d.goto(base + '/a/2/clips/new');
const form = await d.locator('main').innerText();
console.log('new clip form mentions outlet:', form.includes('Own outlet'));
// reporter phone en: edit form targets
console.log(logs.join('\n'));
await browser.close();
