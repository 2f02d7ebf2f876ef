// Anonymous analytics: opening the checkout sends one checkout_started event
// (no personal data, no cookie, no id); after "Opt out of anonymous
// analytics", remembered across a reload, and for a browser sending Global
// Privacy Control, nothing is sent.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEngineAndBrowser, screenshots, eventually } from './support/browser.mjs';

const PRODUCT = 'Epson 252XL High Capacity Yellow Ink Cartridge';

let shop;
before(async () => {
  shop = await startEngineAndBrowser('storefront-analytics');
});
after(() => shop?.close());

/** Records the page's analytics requests. */
function watchAnalytics(page) {
  const sent = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/analytics/events') sent.push(request);
  });
  return sent;
}

async function openCheckout(page, engine) {
  await page.goto(`${engine.url}/`);
  await page.getByRole('article', { name: PRODUCT }).getByRole('button', { name: /Add to cart/ }).click();
  await page.getByRole('button', { name: /^Cart/ }).click();
  await page.getByRole('dialog', { name: 'Cart' }).getByRole('button', { name: 'Checkout' }).click();
  await page.getByRole('button', { name: 'Place order' }).waitFor();
}

/** Gives a request that would have been sent the time to show up. */
async function settle(page) {
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
}

test('opening the checkout sends one anonymous event; opting out sends none', { timeout: 30000 }, async () => {
  const { engine, browser } = shop;
  const shots = screenshots('storefront-analytics');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const sent = watchAnalytics(page);
  const optOut = page.getByRole('checkbox', { name: 'Opt out of anonymous analytics' });

  await openCheckout(page, engine);
  await eventually(() => sent.length >= 1, 5000, 'checkout_started sent');
  await settle(page);
  assert.equal(sent.length, 1, 'exactly one event per checkout opened');
  const [event] = sent;
  assert.equal(event.method(), 'POST');
  assert.deepEqual(event.postDataJSON(), { type: 'checkout_started' });
  const headers = await event.allHeaders();
  assert.equal(headers.cookie, undefined, 'no cookie');
  assert.equal(await optOut.isChecked(), false);

  // Opting out is remembered across a reload of the checkout itself.
  await optOut.check();
  await shots.take(page, 'opted-out');
  await page.reload();
  await page.getByRole('button', { name: 'Place order' }).waitFor();
  assert.equal(await optOut.isChecked(), true, 'the choice survives a reload');
  await openCheckout(page, engine);
  await settle(page);
  assert.equal(sent.length, 1, 'nothing sent after opting out');

  // Opting back in sends again.
  await optOut.uncheck();
  await openCheckout(page, engine);
  await eventually(() => sent.length === 2, 5000, 'sent again after opting back in');
  await context.close();

  // A browser sending Global Privacy Control sends nothing, opt-out box or not.
  const gpc = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await gpc.addInitScript(() => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
  });
  const private_ = await gpc.newPage();
  const sentWithGpc = watchAnalytics(private_);
  await openCheckout(private_, engine);
  await settle(private_);
  assert.equal(await private_.getByRole('checkbox', { name: 'Opt out of anonymous analytics' }).isChecked(), false);
  await private_.getByText('Your browser asks sites not to track you, so nothing is sent.').waitFor();
  assert.equal(sentWithGpc.length, 0, 'nothing sent with Global Privacy Control');
  await shots.take(private_, 'gpc');
  await gpc.close();

  // Nor does one sending Do Not Track.
  const dnt = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await dnt.addInitScript(() => {
    Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
  });
  const dntPage = await dnt.newPage();
  const sentWithDnt = watchAnalytics(dntPage);
  await openCheckout(dntPage, engine);
  await settle(dntPage);
  assert.equal(sentWithDnt.length, 0, 'nothing sent with Do Not Track');
  await dnt.close();
  console.log(`screenshots: ${shots.dir}`);
});
