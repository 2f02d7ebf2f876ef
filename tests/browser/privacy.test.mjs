// The privacy page (/privacy): reached from the storefront's footer, served
// again on a direct load, it tells the customer how long their data is kept and
// how to have it erased, asks nothing of any other site, and reads on a phone
// without sideways scrolling.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEngineAndBrowser, screenshots } from './support/browser.mjs';

let shop;
before(async () => {
  shop = await startEngineAndBrowser('privacy');
});
after(() => shop?.close());

/** Nothing sticks out sideways: no horizontal scrolling. */
function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

/** The URLs of every request the page makes. */
function watchRequests(page) {
  const urls = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

test('the footer links to the privacy page, which states the retention and how to ask for erasure', { timeout: 30000 }, async () => {
  const { engine, browser } = shop;
  const shots = screenshots('privacy-desktop');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const requests = watchRequests(page);

  await page.goto(`${engine.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Ink and toner' }).waitFor();
  await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy' }).click();
  await page.waitForURL(`${engine.url}/privacy`);
  const heading = page.getByRole('heading', { level: 1, name: 'Privacy' });
  await heading.waitFor();
  assert.equal(await page.title(), 'Privacy · Cleveland Cartridge Co');
  // A move within the app puts the keyboard on the new page's heading.
  assert.equal(await heading.evaluate((el) => el === document.activeElement), true);

  const main = page.getByRole('main');
  for (const name of ['What we collect', 'Why', 'How it is protected', 'How long we keep it', 'Having your data erased']) {
    await main.getByRole('heading', { level: 2, name }).waitFor();
  }
  const retention = await main.getByRole('region', { name: 'How long we keep it' }).innerText();
  assert.match(retention, /365 days after your order is closed/);
  assert.match(retention, /destroyed automatically/);
  assert.match(retention, /order itself \(items, amounts, dates\) stays/);
  const erasure = await main.getByRole('region', { name: 'Having your data erased' }).innerText();
  assert.match(erasure, /on your order page/);
  assert.match(erasure, /"Ask to erase my data"/);
  assert.match(erasure, /shop's support address/);
  assert.match(erasure, /destroys your key/);
  assert.match(erasure, /settle that first/);
  const collected = await main.getByRole('region', { name: 'What we collect' }).innerText();
  assert.match(collected, /name, email and shipping address/i);
  assert.match(collected, /transaction ID/);
  assert.match(collected, /No cookies, no visitor ID/);
  // The opt-out it names is the one in the footer.
  assert.match(collected, /"Opt out of anonymous analytics"/);
  await page.getByRole('contentinfo').getByRole('checkbox', { name: 'Opt out of anonymous analytics' }).waitFor();
  assert.match(await main.getByRole('region', { name: 'Why' }).innerText(), /carrier .* shipping address/);
  assert.match(await main.getByRole('region', { name: 'How it is protected' }).innerText(), /key of its own for each customer/);
  await shots.take(page, 'privacy');

  // A reload (or a link from elsewhere) is served the same page by the engine.
  const reloaded = await page.reload();
  assert.equal(reloaded.status(), 200);
  await heading.waitFor();
  assert.match(await main.getByRole('region', { name: 'How long we keep it' }).innerText(), /365 days/);

  // Nothing on the way called outside the shop: no fonts, scripts or images from elsewhere.
  const elsewhere = requests.filter((url) => new URL(url).origin !== engine.url && !url.startsWith('data:'));
  assert.deepEqual(elsewhere, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('on a phone the privacy page reads without horizontal scrolling', { timeout: 30000 }, async () => {
  const { engine, browser } = shop;
  const shots = screenshots('privacy-mobile');
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${engine.url}/privacy`);
  await page.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Having your data erased' }).waitFor();
  assert.equal(await fitsWidth(page), true, 'the privacy page fits the phone');
  // Every section is as wide as the screen allows, not a sliver of it.
  const widths = await page.getByRole('main').getByRole('region').evaluateAll((sections) =>
    sections.map((s) => s.getBoundingClientRect()));
  assert.equal(widths.length, 5);
  for (const box of widths) assert.ok(box.left >= 0 && box.right <= 390 && box.width >= 300, JSON.stringify(box));
  // The footer's link is big enough to tap.
  const link = await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy' }).boundingBox();
  assert.ok(link && link.height >= 44, `the footer link is tappable: ${JSON.stringify(link)}`);
  await shots.take(page, 'privacy-phone');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
