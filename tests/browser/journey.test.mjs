// The headline journey with two people at once on one engine: a customer
// in the storefront orders two products and waits on the order page, while the shop
// in the admin dashboard verifies the payment and ships. The customer's page follows
// every step by itself, without a reload. Screenshots go to artifacts/journey/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEngineAndBrowser, screenshots, expectText, describedBy, eventually, signInAdmin } from './support/browser.mjs';

const XMR_ADDRESS = '49ASi45ub7Qe4ZE36UT5G6cU4ud8Fhhe4deS4F3cw9KTAb8dLcukC7edhDQ7cn5d4gEYkbUrMWeWQLGsCmrG6dLaYyNoVKf';
const BLACK = 'HP 64XL High Yield Black Ink Cartridge';
const CANON = 'Canon PG-245XL High Yield Black Ink Cartridge';
const TRACKING = '1Z999AA10123456784';

const isoDay = (offsetDays) => new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);

let shop;
let engine;
let browser;
before(async () => {
  shop = await startEngineAndBrowser('journey');
  ({ engine, browser } = shop);
});
after(() => shop?.close());

test('a customer orders and pays while the shop verifies and ships it in the dashboard', { timeout: 90000 }, async () => {
  const shots = screenshots('journey');
  const customerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const customer = await customerContext.newPage();
  const admin = await adminContext.newPage();
  const pageErrors = [];
  customer.on('pageerror', (error) => pageErrors.push(`customer: ${error.message}`));
  admin.on('pageerror', (error) => pageErrors.push(`admin: ${error.message}`));

  // The customer browses and puts two products in the cart.
  await customer.goto(`${engine.url}/`);
  await customer.getByRole('heading', { level: 1, name: 'Ink and toner' }).waitFor();
  const cartButton = customer.getByRole('button', { name: /^Cart/ });
  await customer.getByRole('article', { name: BLACK }).getByRole('button', { name: /Add to cart/ }).click();
  await expectText(cartButton, /Cart\s*1/);
  await customer.getByRole('article', { name: CANON }).getByRole('button', { name: /Add to cart/ }).click();
  await expectText(cartButton, /Cart\s*2/);
  await shots.take(customer, 'catalog-two-in-cart');

  await cartButton.click();
  const cart = customer.getByRole('dialog', { name: 'Cart' });
  await cart.waitFor();
  assert.equal(await cart.getByRole('listitem').count(), 2);
  await expectText(cart.getByText(/^Subtotal/), 'Subtotal $61.98');
  await shots.take(customer, 'cart');
  await cart.getByRole('button', { name: 'Checkout' }).click();
  await customer.waitForURL(`${engine.url}/checkout`);

  // Checkout: a mistyped email is pointed out at its field, then fixed.
  await customer.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
  const email = customer.getByLabel('Email', { exact: true });
  await email.fill('ada@example');
  await customer.getByLabel('Address line 1', { exact: true }).fill('1 Euclid Ave');
  await customer.getByLabel('City', { exact: true }).fill('Cleveland');
  await customer.getByLabel('State', { exact: true }).fill('OH');
  await customer.getByLabel('ZIP / postal code', { exact: true }).fill('44115');
  await customer.getByRole('radiogroup', { name: 'Payment method' }).getByLabel('Monero (XMR)').check();
  await customer.getByRole('button', { name: 'Place order' }).click();
  await eventually(async () => (await email.getAttribute('aria-invalid')) === 'true', 5000, 'Email marked invalid');
  assert.match(await describedBy(email), /Email must be an address like ada@example\.com/);
  await shots.take(customer, 'checkout-error');
  await email.fill('ada@example.com');
  await customer.getByRole('button', { name: 'Place order' }).click();

  // The order page with what to pay, where, and a QR code.
  await customer.waitForURL(/\/orders\/[0-9a-f-]{36}\?token=[^&]+$/);
  const orderId = new URL(customer.url()).pathname.split('/').pop();
  const heading = await expectText(customer.getByRole('heading', { level: 1 }), /^Order CCC-\d{6}$/, { timeout: 10000 });
  const number = heading.replace(/^Order /, '');
  const status = customer.getByRole('status').filter({ hasText: 'Status:' });
  await expectText(status, 'Status: Awaiting payment');
  const quoted = (await engine.adminGet(`/admin/api/orders/${orderId}`)).body;
  assert.equal(quoted.number, number);
  assert.equal(quoted.total_cents, 6198);
  assert.match(quoted.payment.amount_display, /^\d+\.\d{6} XMR$/);
  await customer.getByText(quoted.payment.amount_display, { exact: true }).first().waitFor();
  await customer.getByText(XMR_ADDRESS, { exact: true }).waitFor();
  const qr = customer.getByRole('img', { name: 'QR code' });
  await eventually(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0), 5000, 'QR code loaded');
  // Set on this document only: still there later means the page never reloaded.
  await customer.evaluate(() => { window.sameDocument = true; });
  await shots.take(customer, 'order-awaiting-payment');

  // Meanwhile, in the shop: sign in, find the order by its number, open it.
  const owner = await engine.addAdmin('owner@example.com');
  await signInAdmin(admin, engine, owner);
  const table = admin.getByRole('table');
  await table.waitFor();
  await admin.getByLabel('Search').fill(number);
  await admin.getByLabel('Search').press('Enter');
  await eventually(async () => (await table.getByRole('row').count()) === 2, 10000, 'one search result');
  await shots.take(admin, 'admin-search');
  await table.getByRole('link', { name: number }).click();
  await admin.getByRole('heading', { name: `Order ${number}` }).waitFor();
  await shots.take(admin, 'admin-order-pending');

  // The shop verifies the payment with the amount the customer was quoted.
  await admin.getByRole('button', { name: 'Verify payment' }).click();
  const verify = admin.getByRole('dialog');
  assert.equal(await verify.getByLabel('Amount').inputValue(), quoted.payment.amount_display.split(' ')[0]);
  await verify.getByLabel('Transaction ID').fill('a1b2c3d4e5f60718293a4b5c6d7e8f90');
  await shots.take(admin, 'admin-verify-payment');
  await verify.getByRole('button', { name: 'Verify payment' }).click();
  await eventually(async () => (await admin.getByRole('dialog').count()) === 0, 10000, 'verify dialog closed');

  // The customer's page turns to Paid by itself.
  await expectText(status, 'Status: Paid', { timeout: 15000 });
  assert.equal(await customer.evaluate(() => window.sameDocument), true, 'no reload');
  await shots.take(customer, 'customer-paid');

  // The shop starts processing, then ships with UPS.
  await admin.getByRole('button', { name: 'Start processing' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Start processing' }).click();
  await eventually(async () => (await admin.getByRole('button', { name: 'Ship', exact: true }).count()) === 1,
    10000, 'Ship offered once processing');
  await expectText(status, 'Status: Processing', { timeout: 15000 });
  await admin.getByRole('button', { name: 'Ship', exact: true }).click();
  const ship = admin.getByRole('dialog');
  await ship.getByLabel('Carrier').fill('UPS');
  await ship.getByLabel('Tracking number').fill(TRACKING);
  await ship.getByLabel('Estimated delivery').fill(isoDay(3));
  await shots.take(admin, 'admin-ship');
  await ship.getByRole('button', { name: 'Ship' }).click();
  await eventually(async () => /1Z999AA10123456784/.test(await admin.getByRole('region', { name: 'Shipment' }).innerText()),
    10000, 'shipment shown in the dashboard');
  await shots.take(admin, 'admin-shipped');

  // The customer sees the parcel's tracking number, linked to UPS, still without a reload.
  await expectText(status, 'Status: Shipped', { timeout: 15000 });
  const tracking = customer.getByRole('link', { name: new RegExp(TRACKING) });
  await tracking.waitFor({ timeout: 15000 });
  assert.equal(await tracking.getAttribute('href'), `https://www.ups.com/track?tracknum=${TRACKING}`);
  assert.equal(await customer.evaluate(() => window.sameDocument), true, 'no reload');
  await shots.take(customer, 'customer-shipped');

  assert.deepEqual(pageErrors, []);
  await customerContext.close();
  await adminContext.close();
  console.log(`screenshots: ${shots.dir}`);
});
