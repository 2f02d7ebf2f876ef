// The whole customer journey on a desktop window, against the real engine:
// catalog -> product -> cart sidebar -> checkout (with a validation error fixed
// on the way) -> payment instructions -> paid -> shipped -> delivered -> review.
// The shop's side (payment verified, shipped) goes through the admin API.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEngineAndBrowser, screenshots, expectText, describedBy, eventually } from './support/browser.mjs';

const XMR_ADDRESS = '49ASi45ub7Qe4ZE36UT5G6cU4ud8Fhhe4deS4F3cw9KTAb8dLcukC7edhDQ7cn5d4gEYkbUrMWeWQLGsCmrG6dLaYyNoVKf';
const BLACK = 'HP 64XL High Yield Black Ink Cartridge';
const CANON = 'Canon PG-245XL High Yield Black Ink Cartridge';

let shop;
let engine;
let browser;
before(async () => {
  shop = await startEngineAndBrowser('storefront-desktop');
  ({ engine, browser } = shop);
});
after(() => shop?.close());

test('a desktop customer orders two products, pays, and follows the parcel', { timeout: 60000 }, async () => {
  const shots = screenshots('storefront-desktop');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: engine.url });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  // The catalog: every card has its picture, name, price, stock and button.
  await page.goto(`${engine.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Ink and toner' }).waitFor();
  const blackCard = page.getByRole('article', { name: BLACK });
  await blackCard.getByRole('img', { name: BLACK }).waitFor();
  assert.equal(await blackCard.getByRole('img', { name: BLACK }).evaluate((img) => img.naturalWidth > 0), true);
  await expectText(blackCard.getByText('$34.99'), '$34.99');
  await expectText(blackCard.getByText(/stock/), 'In stock');
  const soldOut = page.getByRole('article', { name: 'Epson 502 Cyan EcoTank Ink Bottle' });
  await expectText(soldOut.getByText(/stock/), 'Out of stock');
  assert.equal(await soldOut.getByRole('button', { name: /Add to cart/ }).isDisabled(), true);
  assert.equal(await page.getByRole('button', { name: /Add to cart/ }).count(), 12);
  await shots.take(page, 'catalog');

  // A product has a page of its own.
  await blackCard.getByRole('link', { name: BLACK }).click();
  await page.waitForURL(`${engine.url}/products/HP-64XL-BLK`);
  await page.getByRole('heading', { level: 1, name: BLACK }).waitFor();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  const cartButton = page.getByRole('button', { name: /^Cart/ });
  await expectText(cartButton, /Cart\s*1/);
  await shots.take(page, 'product');

  await page.getByRole('link', { name: 'All products' }).click();
  await page.getByRole('article', { name: CANON }).getByRole('button', { name: /Add to cart/ }).click();
  await expectText(cartButton, /Cart\s*2/);

  // The cart sidebar: lines, quantities, subtotal; Escape closes it.
  await cartButton.click();
  const cart = page.getByRole('dialog', { name: 'Cart' });
  await cart.waitFor();
  assert.equal(await cart.getByRole('listitem').count(), 2);
  await expectText(cart.getByText(/^Subtotal/), 'Subtotal $61.98');
  const blackLine = cart.getByRole('listitem').filter({ hasText: BLACK });
  await blackLine.getByLabel('Quantity').fill('2');
  await expectText(cart.getByText(/^Subtotal/), 'Subtotal $96.97');
  await expectText(cartButton, /Cart\s*3/);
  await shots.take(page, 'cart');
  await page.keyboard.press('Escape');
  await cart.waitFor({ state: 'hidden' });
  assert.equal(await cartButton.evaluate((el) => el === document.activeElement), true, 'focus back on Cart');

  // The cart survives a reload.
  await page.reload();
  await expectText(page.getByRole('button', { name: /^Cart/ }), /Cart\s*3/);
  await page.getByRole('button', { name: /^Cart/ }).click();
  await expectText(cart.getByText(/^Subtotal/), 'Subtotal $96.97');
  await cart.getByRole('button', { name: 'Checkout' }).click();
  await page.waitForURL(`${engine.url}/checkout`);

  // Checkout with a bad email: the engine's 422 lands on the Email field.
  await page.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
  const email = page.getByLabel('Email', { exact: true });
  await email.fill('ada@example');
  await page.getByLabel('Address line 1', { exact: true }).fill('1 Euclid Ave');
  await page.getByLabel('City', { exact: true }).fill('Cleveland');
  await page.getByLabel('State', { exact: true }).fill('OH');
  await page.getByLabel('ZIP / postal code', { exact: true }).fill('44115');
  assert.equal(await page.getByLabel('Country', { exact: true }).inputValue(), 'US');
  await page.getByRole('radiogroup', { name: 'Payment method' }).getByLabel('Monero (XMR)').check();
  await page.getByRole('button', { name: 'Place order' }).click();
  await eventually(async () => (await email.getAttribute('aria-invalid')) === 'true', 5000, 'Email marked invalid');
  assert.match(await describedBy(email), /Email must be an address like ada@example\.com/);
  assert.equal(await page.getByText('Email must be an address like ada@example.com').isVisible(), true);
  assert.equal(await email.evaluate((el) => el === document.activeElement), true, 'focus moves to the field');
  await shots.take(page, 'checkout-error');
  const none = await engine.adminGet('/admin/api/orders');
  assert.deepEqual(none.body.orders, [], 'a rejected checkout makes no order');

  await email.fill('ada@example.com');
  assert.equal(await email.getAttribute('aria-invalid'), null, 'the error goes once the field is edited');
  await page.getByRole('button', { name: 'Place order' }).click();

  // The order's own page: amount, address, copy buttons, QR code, countdown.
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?token=[^&]+$/);
  const url = new URL(page.url());
  const orderId = url.pathname.split('/').pop();
  const token = url.searchParams.get('token');
  await page.getByRole('heading', { level: 1, name: /^Order CCC-\d{6}$/ }).waitFor();
  const admin = (await engine.adminGet(`/admin/api/orders/${orderId}`)).body;
  assert.equal(admin.total_cents, 9697);
  assert.equal(admin.customer.email, 'ada@example.com');
  await expectText(page.getByRole('heading', { level: 1 }), `Order ${admin.number}`);
  await expectText(page.getByRole('status').filter({ hasText: 'Status:' }), 'Status: Awaiting payment');
  await page.getByText(admin.payment.amount_display, { exact: true }).first().waitFor();
  assert.match(admin.payment.amount_display, /^\d+\.\d{6} XMR$/);
  await page.getByText(XMR_ADDRESS, { exact: true }).waitFor();
  await page.getByText(admin.number, { exact: true }).first().waitFor(); // the memo
  const qr = page.getByRole('img', { name: 'QR code' });
  assert.equal(await qr.getAttribute('src'), `/api/orders/${orderId}/payment-qr.svg?token=${encodeURIComponent(token)}`);
  await eventually(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0), 5000, 'QR code loaded');
  const timer = page.getByRole('timer');
  const first = await expectText(timer, /^\d\d:\d\d$/);
  assert.ok(first <= '30:00' && first >= '29:00', `a fresh 30-minute quote, not ${first}`);
  await eventually(async () => (await timer.innerText()) !== first, 3000, 'the countdown ticks');

  await page.getByRole('button', { name: 'Copy address' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), XMR_ADDRESS);
  await page.getByRole('button', { name: 'Copy amount' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), admin.payment.amount_display.split(' ')[0]);
  await expectText(page.getByRole('button', { name: /^Cart/ }), /Cart\s*0/); // the cart was emptied
  await shots.take(page, 'order-awaiting-payment');

  // Part of the payment arrives: the page says so by itself and asks for the rest.
  await page.evaluate(() => { window.sameDocument = true; });
  const status = page.getByRole('status').filter({ hasText: 'Status:' });
  const quoted = BigInt(admin.payment.amount_atomic);
  const part = (quoted / 4n / 1000000n) * 1000000n; // XMR has 12 decimals, quoted to 6
  await engine.adminCommand(orderId, { type: 'verify_payment', tx_id: 'a1b2c3d4e5f6', amount_atomic: String(part) });
  await expectText(status, 'Status: Partly paid', { timeout: 15000 });
  const due = String(quoted - part).padStart(13, '0');
  const stillDue = `${due.slice(0, -12)}.${due.slice(-12, -6)}`;
  await page.getByText(`${stillDue} XMR`, { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Copy amount' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), stillDue, 'copies what is still due');
  assert.equal(await qr.count(), 0, 'no code for the whole amount once part of it is paid');
  await shots.take(page, 'partly-paid');

  // The rest arrives; the page says "Paid".
  await engine.adminCommand(orderId, {
    type: 'verify_payment', tx_id: 'f6e5d4c3b2a1', amount_atomic: String(quoted - part),
  });
  await expectText(status, 'Status: Paid', { timeout: 15000 });
  await page.getByText(`Received ${admin.payment.amount_display}`, { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no reload');
  assert.equal(await page.getByRole('button', { name: 'Cancel order' }).count(), 0, 'no cancel once paid');
  await shots.take(page, 'paid');

  // Processing, then shipped: tracking shows up.
  await engine.adminCommand(orderId, { type: 'start_processing' });
  await engine.adminCommand(orderId, {
    type: 'ship', carrier: 'UPS', tracking_number: '1Z999AA10123456784', estimated_delivery: '2026-12-01',
  });
  await expectText(status, 'Status: Shipped', { timeout: 15000 });
  const tracking = page.getByRole('link', { name: /1Z999AA10123456784/ });
  assert.equal(await tracking.getAttribute('href'), 'https://www.ups.com/track?tracknum=1Z999AA10123456784');
  await page.getByText('Dec 1, 2026').waitFor();
  const history = page.getByRole('region', { name: 'History' }).getByRole('listitem');
  await expectText(history.last(), /Shipped with UPS/);
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no reload');
  await shots.take(page, 'shipped');

  // Delivered: the review form, as the review email's link opens it.
  await engine.adminCommand(orderId, { type: 'mark_delivered' });
  await expectText(status, 'Status: Delivered', { timeout: 15000 });
  await page.goto(`${engine.url}/orders/${orderId}?token=${encodeURIComponent(token)}#review`);
  const review = page.getByRole('region', { name: 'How was your order?' });
  await review.waitFor();
  await review.getByRole('button', { name: 'Send review' }).click();
  await review.getByText('Rating: choose from 1 to 5 stars.').waitFor();
  await review.getByLabel('4 stars').check();
  await review.getByLabel('Your review').fill('Prints sharp, arrived quickly.');
  await review.getByRole('button', { name: 'Send review' }).click();
  const left = page.getByRole('region', { name: 'Your review' });
  await left.getByText('Prints sharp, arrived quickly.').waitFor();
  await left.getByLabel('Rated 4 out of 5').waitFor();
  assert.equal((await engine.adminGet(`/admin/api/orders/${orderId}`)).body.review.rating, 4);
  await shots.take(page, 'reviewed');

  assert.deepEqual(pageErrors, []);
  await context.close();
  console.log(`screenshots: ${shots.dir}`);
});
