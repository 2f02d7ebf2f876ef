// The storefront on a phone (390 x 844, touch): the Cart button is on screen
// without a menu, the checkout form fits and says what is missing, and the
// order page works: a quote that runs out gets a fresh one, and the customer
// can cancel while the order waits for payment. The engine quotes for 8 s here
// so that the expiry happens within the test.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEngineAndBrowser, screenshots, expectText, describedBy, eventually } from './support/browser.mjs';

const MAGENTA = 'Brother LC3013 High Yield Magenta Ink Cartridge';
const YELLOW = 'Epson 252XL High Capacity Yellow Ink Cartridge';
const BTC_ADDRESS = 'bc1qy8624fl6zy54klay937yrnujckpak28lrdjg0e';
const QUOTE_SECONDS = 8;

let shop;
before(async () => {
  shop = await startEngineAndBrowser('storefront-mobile', { ORDER_ENGINE_PAYMENTS_QUOTE_TTL: `${QUOTE_SECONDS}s` });
});
after(() => shop?.close());

/** Nothing sticks out sideways: no horizontal scrolling on a phone. */
async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

test('a phone customer checks out, renews an expired quote and cancels', { timeout: 60000 }, async () => {
  const { engine, browser } = shop;
  const shots = screenshots('storefront-mobile');
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${engine.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Ink and toner' }).waitFor();
  const cartButton = page.getByRole('button', { name: /^Cart/ });
  const box = await cartButton.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844,
    `the Cart button is on screen: ${JSON.stringify(box)}`);
  assert.equal(await fitsWidth(page), true, 'the catalog fits the phone');
  await shots.take(page, 'catalog');

  await page.getByRole('article', { name: MAGENTA }).getByRole('button', { name: /Add to cart/ }).tap();
  await page.getByRole('article', { name: YELLOW }).getByRole('button', { name: /Add to cart/ }).tap();
  await expectText(cartButton, /Cart\s*2/);
  // Still reachable after scrolling down the catalog: the header stays.
  await page.mouse.wheel(0, 2000);
  await eventually(async () => (await page.evaluate(() => window.scrollY)) > 0, 2000, 'page scrolled');
  const scrolled = await cartButton.boundingBox();
  assert.ok(scrolled && scrolled.y >= 0 && scrolled.y + scrolled.height <= 844, 'the Cart button stays on screen');
  await cartButton.tap();
  const cart = page.getByRole('dialog', { name: 'Cart' });
  await cart.waitFor();
  const sheet = await cart.boundingBox();
  assert.ok(sheet && sheet.width <= 390, 'the cart fits the phone');
  await expectText(cart.getByText(/^Subtotal/), 'Subtotal $41.98');
  await cart.getByRole('listitem').filter({ hasText: YELLOW }).getByRole('button', { name: 'Remove' }).tap();
  await expectText(cart.getByText(/^Subtotal/), 'Subtotal $16.99');
  assert.equal(await cart.getByRole('listitem').count(), 1);
  await expectText(cartButton, /Cart\s*1/);
  await shots.take(page, 'cart');
  await cart.getByRole('button', { name: 'Close' }).tap();
  await cart.waitFor({ state: 'hidden' });
  await cartButton.tap();
  await cart.getByRole('button', { name: 'Checkout' }).tap();
  await page.waitForURL(`${engine.url}/checkout`);

  // Blank required fields are named at once, each tied to its field.
  const summary = page.getByRole('region', { name: 'Your order' });
  await expectText(summary.locator('dl'), /Shipping\s*\$5\.99\s*Total\s*\$22\.98/);
  await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await page.getByLabel('Email', { exact: true }).fill('grace@example.com');
  await page.getByLabel('Address line 1', { exact: true }).fill('2121 Euclid Ave');
  await page.getByLabel('ZIP / postal code', { exact: true }).fill('44115');
  await page.getByRole('radiogroup', { name: 'Payment method' }).getByLabel('Bitcoin (BTC)').check();
  await page.getByRole('button', { name: 'Place order' }).tap();
  const city = page.getByLabel('City', { exact: true });
  const state = page.getByLabel('State', { exact: true });
  await eventually(async () => (await city.getAttribute('aria-invalid')) === 'true', 3000, 'City marked invalid');
  assert.match(await describedBy(city), /City is required/);
  assert.equal(await state.getAttribute('aria-invalid'), 'true');
  assert.match(await describedBy(state), /State is required for addresses in US/);
  assert.equal(await city.evaluate((el) => el === document.activeElement), true, 'focus on the first problem');
  assert.equal(await fitsWidth(page), true, 'the checkout fits the phone');
  await shots.take(page, 'checkout-missing-fields');
  await city.fill('Cleveland');
  await state.fill('OH');
  await page.getByRole('button', { name: 'Place order' }).tap();

  // The order page on a phone.
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?token=/);
  const orderId = new URL(page.url()).pathname.split('/').pop();
  await page.getByRole('heading', { level: 1, name: /^Order CCC-\d{6}$/ }).waitFor();
  const placed = (await engine.adminGet(`/admin/api/orders/${orderId}`)).body;
  assert.equal(placed.total_cents, 2298);
  assert.match(placed.payment.amount_display, /^\d+\.\d{8} BTC$/);
  await page.getByText(placed.payment.amount_display, { exact: true }).waitFor();
  await page.getByText(BTC_ADDRESS, { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Copy address' }).waitFor();
  await page.getByRole('button', { name: 'Copy amount' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Copy memo' }).count(), 0, 'Bitcoin takes no memo');
  await eventually(() => page.getByRole('img', { name: 'QR code' }).evaluate((img) => img.naturalWidth > 0),
    5000, 'QR code loaded');
  await expectText(page.getByRole('timer'), /^00:0\d$/);
  assert.equal(await fitsWidth(page), true, 'the order page fits the phone');
  await shots.take(page, 'order');

  // The quote runs out: the amount goes, "Get a new quote" comes.
  const renew = page.getByRole('button', { name: 'Get a new quote' });
  await renew.waitFor({ timeout: (QUOTE_SECONDS + 5) * 1000 });
  assert.equal(await page.getByRole('button', { name: 'Copy amount' }).count(), 0, 'no stale amount to copy');
  await shots.take(page, 'quote-expired');
  await renew.tap();
  await expectText(page.getByRole('timer'), /^00:0\d$/);
  const requoted = (await engine.adminGet(`/admin/api/orders/${orderId}`)).body;
  assert.ok(Date.parse(requoted.payment.expires_at) > Date.parse(placed.payment.expires_at), 'a later expiry');
  await page.getByText(requoted.payment.amount_display, { exact: true }).waitFor();
  await shots.take(page, 'new-quote');

  // Cancelling while pending.
  await page.getByRole('button', { name: 'Cancel order' }).tap();
  await page.getByLabel('Reason (optional)').fill('Ordered the wrong colour');
  await page.getByRole('button', { name: 'Yes, cancel the order' }).tap();
  await expectText(page.getByRole('status').filter({ hasText: 'Status:' }), 'Status: Cancelled');
  await page.getByRole('heading', { name: 'This order was cancelled' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Cancel order' }).count(), 0);
  assert.equal((await engine.adminGet(`/admin/api/orders/${orderId}`)).body.status, 'cancelled');
  await shots.take(page, 'cancelled');

  assert.deepEqual(pageErrors, []);
  await context.close();
  console.log(`screenshots: ${shots.dir}`);
});
