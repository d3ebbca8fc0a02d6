// Page weight and time to render on an emulated slow phone: the clip page
// (as the head of agency) and the province insights (as the overseer) of the
// demo, in Debian's chromium.
//
//   node tests/browser/page-weight.mjs            (LANTOA_BIN picks the binary)
//
// The network is Chrome DevTools' "Slow 4G" preset (150 ms round trip times
// 3.75, 1.6 Mbit/s down and 750 kbit/s up, each times 0.9), the processor
// slowed 4×, as Lighthouse's mobile run does. Each page is loaded three
// times with an empty cache; the figures are the median. Printed: bytes over
// the wire (compressed), bytes after decoding, DOMContentLoaded and load.
import { startApp, launchBrowser, logIn, shutDown } from './lib.mjs';

const SLOW_4G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};
const RUNS = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let wire = 0;
  let decoded = 0;
  const sizes = new Map();
  cdp.on('Network.dataReceived', (e) => sizes.set(e.requestId, (sizes.get(e.requestId) || 0) + e.dataLength));
  cdp.on('Network.loadingFinished', (e) => {
    wire += e.encodedDataLength;
    decoded += sizes.get(e.requestId) || 0;
  });
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  const t = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd };
  });
  await page.close();
  return { wire, decoded, ...t };
}

async function figures(browser, baseUrl, user, path) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
  const login = await context.newPage();
  await logIn(login, baseUrl, user);
  const url = typeof path === 'function' ? await path(login) : `${baseUrl}${path}`;
  await login.close();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(context, url));
  await context.close();
  const m = (k) => median(runs.map((r) => r[k]));
  return { url: new URL(url).pathname, wire: m('wire'), decoded: m('decoded'), dcl: m('dcl'), load: m('load') };
}

const h = await startApp();
try {
  h.browser = await launchBrowser();
  const rows = [
    await figures(h.browser, h.baseUrl, 'baotinh.lanhdao', async (page) => {
      await page.goto(`${h.baseUrl}/a/2/clips`, { waitUntil: 'load' });
      const hrefs = await page.locator('a[href^="/a/2/clips/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      const href = hrefs.find((x) => /^\/a\/2\/clips\/\d+$/.test(x));
      if (!href) throw new Error(`no clip in the list: ${hrefs.join(' ')}`);
      return `${h.baseUrl}${href}`;
    }),
    await figures(h.browser, h.baseUrl, 'btg.giamsat', '/insights'),
  ];
  console.log('page                       over the wire   decoded    DOMContentLoaded   load   (slow 4G, CPU 4×, median of 3)');
  for (const r of rows) {
    console.log(
      `${r.url.padEnd(26)} ${(r.wire / 1024).toFixed(0).padStart(8)} KB ${(r.decoded / 1024).toFixed(0).padStart(7)} KB ` +
        `${(r.dcl / 1000).toFixed(2).padStart(12)} s ${(r.load / 1000).toFixed(2).padStart(8)} s`,
    );
  }
} finally {
  await shutDown(h);
}
