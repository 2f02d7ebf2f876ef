// Refunds in the browser against the real engine: an overpaid customer gives a
// refund address on their order page (a wrong one is refused at the field),
// the admin finds it on the dashboard's Refunds page, records the refund sent
// from the wallet on the order page, and the customer's page then shows the
// refund sent with its transaction. Screenshots go to tests/browser/artifacts/refunds/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine } from './support/engine.mjs';
import { expectText, launchBrowser, screenshots, signInAdmin } from './support/browser.mjs';

const checkout = {
  items: [{ sku: 'HP-64XL-BLK', quantity: 1 }],
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shipping: { line1: '1 Euclid Ave', line2: '', city: 'Cleveland', region: 'OH', postal_code: '44115', country: 'US' },
  payment_method: 'BTC',
};
// BIP173's P2WPKH vector, upper case as some wallets print it; stored lower case.
const ADDRESS = 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4';
const STORED = ADDRESS.toLowerCase();
const EXCESS = 1234n; // satoshi: 0.00001234 BTC

describe('refunds', { timeout: 180000 }, () => {
  let engine;
  let browser;
  let shots;
  let admin;
  let order;
  let customerPage;
  let adminPage;
  const pageErrors = [];

  const orderUrl = () => `${engine.url}/orders/${order.id}?token=${order.access_token}`;

  before(async () => {
    engine = await startEngine({ name: 'refunds' });
    admin = await engine.addAdmin('owner@example.com');
    browser = await launchBrowser();
    customerPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    adminPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const page of [customerPage, adminPage]) page.on('pageerror', (error) => pageErrors.push(error.message));
    shots = screenshots('refunds');
    const placed = await engine.request('POST', '/api/orders', checkout, { 'Idempotency-Key': 'refunds-1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    order = placed.body;
    const amount = (BigInt(order.payment.amount_atomic) + EXCESS).toString();
    const paid = await engine.adminCommand(order.id, { type: 'verify_payment', tx_id: 'f00d0123456789', amount_atomic: amount });
    assert.equal(paid.refund.state, 'due');
  });

  after(async () => {
    await browser?.close();
    await engine?.stop();
  });

  test('the customer is asked for an address; a wrong one is refused at the field, a right one is kept', async () => {
    const page = customerPage;
    await page.goto(orderUrl());
    await page.getByRole('heading', { level: 1, name: `Order ${order.number}` }).waitFor();
    const refund = page.getByRole('region', { name: 'Your refund' });
    await expectText(refund.locator('p').first(), /^We owe you 0\.00001234 BTC\. Tell us a BTC address of yours/);
    const input = refund.getByLabel('Your BTC address for the refund');

    await input.fill('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'); // one character off: the checksum fails
    await refund.getByRole('button', { name: 'Send refund address' }).click();
    const error = refund.getByRole('alert').filter({ hasText: /\S/ });
    await expectText(error, /checksum/, { timeout: 10000 });
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    await shots.take(page, 'customer-address-refused');
    assert.equal((await engine.adminGet(`/admin/api/orders/${order.id}`)).body.refund.address, null, 'nothing stored');

    await input.fill(ADDRESS);
    await refund.getByRole('button', { name: 'Send refund address' }).click();
    await expectText(refund.locator('p').first(), /^We will send 0\.00001234 BTC to the address below/, { timeout: 10000 });
    await expectText(refund.locator('[data-key="refund-address"]'), STORED);
    await shots.take(page, 'customer-address-given');
    const view = (await engine.adminGet(`/admin/api/orders/${order.id}`)).body;
    assert.equal(view.refund.state, 'requested');
    assert.equal(view.refund.address, STORED);
  });

  test('the admin finds it on the Refunds page and records the refund on the order', async () => {
    const page = adminPage;
    await signInAdmin(page, engine, admin);

    await page.getByRole('link', { name: 'Refunds', exact: true }).click();
    await page.getByRole('heading', { name: 'Refunds', level: 1 }).waitFor();
    const row = page.getByRole('row').filter({ hasText: order.number });
    await row.waitFor();
    assert.match(await row.innerText(), /Requested: send it from the wallet/);
    assert.match(await row.innerText(), /0\.00001234 BTC/);
    await shots.take(page, 'admin-refunds-list');

    await row.getByRole('link', { name: new RegExp(order.number) }).click();
    await page.getByRole('heading', { name: `Order ${order.number}`, level: 1 }).waitFor();
    const refund = page.getByRole('region', { name: 'Refund' });
    assert.match(await refund.innerText(), new RegExp(STORED));
    await refund.getByRole('button', { name: 'Record refund' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Amount sent').inputValue(), '0.00001234', 'the amount still due is offered');
    await dialog.getByLabel('Transaction ID').fill('beef0123456789abcdef');
    await shots.take(page, 'admin-record-dialog');
    await dialog.getByRole('button', { name: 'Record refund' }).click();
    await expectText(refund.locator('dd').first(), 'Refunded', { timeout: 10000 });
    assert.match(await refund.innerText(), /beef0123456789abcdef/);
    assert.equal(await refund.getByRole('button', { name: 'Record refund' }).count(), 0, 'nothing left to record');
    await shots.take(page, 'admin-refunded');

    await page.getByRole('link', { name: 'Refunds', exact: true }).click();
    await page.getByRole('heading', { name: 'Refunds', level: 1 }).waitFor();
    await expectText(page.locator('.empty'), 'No refund is owed.', { timeout: 10000 });
  });

  test('the customer\'s page then shows the refund sent with its transaction', async () => {
    const page = customerPage;
    await page.reload();
    const refund = page.getByRole('region', { name: 'Refund sent' });
    await refund.waitFor();
    await expectText(refund.locator('[data-key="refund-txid"]'), 'beef0123456789abcdef');
    await expectText(refund.locator('[data-key="refund-sent"]'), '0.00001234 BTC');
    assert.equal(await refund.getByRole('textbox').count(), 0, 'no address to give any more');
    await shots.take(page, 'customer-refunded');
    assert.deepEqual(pageErrors, []);
  });
});
