// Erasure of a customer's personal data, in the browser against the real
// engine: the customer asks on their order page, the request waits on the
// dashboard's Orders page and on the order, the admin erases after a warning,
// and both pages then show the data as erased while the order stays. An order
// that still owes money is refused with the engine's reason. Screenshots go to
// tests/browser/artifacts/erasure/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine } from './support/engine.mjs';
import { eventually, expectText, launchBrowser, screenshots, signInAsAdmin } from './support/browser.mjs';

const checkout = (overrides = {}) => ({
  items: [{ sku: 'HP-64XL-BLK', quantity: 1 }],
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shipping: { line1: '1 Euclid Ave', line2: '', city: 'Cleveland', region: 'OH', postal_code: '44115', country: 'US' },
  payment_method: 'XMR',
  ...overrides,
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('erasure of personal data', { timeout: 180000 }, () => {
  let engine;
  let browser;
  let shots;
  let admin;
  let customerPage;
  let adminPage;
  const pageErrors = [];

  async function placeOrder(key, body = checkout()) {
    const res = await engine.request('POST', '/api/orders', body, { 'Idempotency-Key': key });
    assert.equal(res.status, 201, `checkout answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const orderUrl = (order) => `${engine.url}/orders/${order.id}?token=${order.access_token}`;

  async function erasureRequests() {
    const res = await engine.adminGet('/admin/api/erasure-requests');
    assert.equal(res.status, 200, `GET /admin/api/erasure-requests answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.requests;
  }

  const signIn = (page) => signInAsAdmin(page, engine, admin);

  before(async () => {
    engine = await startEngine({ name: 'erasure' });
    admin = await engine.addAdmin('owner@example.com');
    browser = await launchBrowser();
    customerPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    adminPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const page of [customerPage, adminPage]) page.on('pageerror', (error) => pageErrors.push(error.message));
    shots = screenshots('erasure');
  });

  after(async () => {
    await browser?.close();
    await engine?.stop();
  });

  let asked; // the order whose customer asks, shared by the tests that follow

  test('the customer asks on the order page after confirming, and is not offered the button again', async () => {
    asked = await placeOrder('erasure-asked');
    const page = customerPage;
    await page.goto(orderUrl(asked));
    await page.getByRole('heading', { level: 1, name: `Order ${asked.number}` }).waitFor();
    const privacy = page.getByRole('region', { name: 'Your personal data' });
    assert.match(await privacy.innerText(), /erase your name, email, address and what you wrote/);
    await privacy.getByRole('link', { name: 'How we handle your data' }).waitFor();

    // A confirmation step first; "Keep my data" goes back without asking.
    await privacy.getByRole('button', { name: 'Ask to erase my data' }).click();
    const confirm = privacy.getByRole('button', { name: 'Yes, ask to erase my data' });
    await confirm.waitFor();
    assert.equal(await confirm.evaluate((el) => el === document.activeElement), true, 'focus on the confirmation');
    await shots.take(page, 'customer-confirm');
    await privacy.getByRole('button', { name: 'Keep my data' }).click();
    await privacy.getByRole('button', { name: 'Ask to erase my data' }).waitFor();
    assert.deepEqual(await erasureRequests(), [], 'nothing asked before the confirmation');

    await privacy.getByRole('button', { name: 'Ask to erase my data' }).click();
    await confirm.click();
    await expectText(privacy.getByRole('status'), /^Your request has been sent to the shop\./, { timeout: 10000 });
    assert.equal(await privacy.getByRole('button').count(), 0, 'no button to ask again');
    await shots.take(page, 'customer-asked');

    const [request] = await erasureRequests();
    assert.equal(request.order_id, asked.id);
    assert.equal(request.order_number, asked.number);
    assert.equal(request.status, 'open');
    assert.match(request.requested_at, RFC3339);

    // Asking again (another tab, a reload) is the same request.
    const again = await engine.request('POST', `/api/orders/${asked.id}/erasure-request`, undefined, {
      Authorization: `Bearer ${asked.access_token}`,
    });
    assert.equal(again.status, 202);
    assert.equal(again.body.requested_at, request.requested_at);
    assert.equal((await erasureRequests()).length, 1);
  });

  test('the open request waits on the Orders page and on the order', async () => {
    await signIn(adminPage);
    const tasks = adminPage.getByRole('region', { name: /^Erasure requests/ });
    await tasks.waitFor();
    assert.match(await tasks.innerText(), new RegExp(`${asked.number} asked on`));
    await shots.take(adminPage, 'admin-erasure-requests');
    await tasks.getByRole('link', { name: asked.number }).click();
    await adminPage.getByRole('heading', { name: `Order ${asked.number}`, level: 1 }).waitFor();
    const customer = adminPage.getByRole('region', { name: 'Customer' });
    await expectText(customer.getByText(/^The customer asked for erasure on/), /^The customer asked for erasure on .+\.$/);
    assert.match(await customer.innerText(), /Ada Lovelace/);
  });

  test('the admin erases after a warning naming the consequence; the order stays and shows "Erased on"', async () => {
    const page = adminPage;
    const customer = page.getByRole('region', { name: 'Customer' });

    // Close first: nothing happens.
    await customer.getByRole('button', { name: 'Erase personal data' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(),
      /This destroys the customer’s key: name, email, address and their texts become unreadable for good\. The order stays\./);
    const close = dialog.getByRole('button', { name: 'Close' });
    assert.equal(await close.evaluate((el) => el === document.activeElement), true, 'a dangerous dialog starts on Close');
    await shots.take(page, 'admin-erase-dialog');
    await close.click();
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.equal((await engine.adminGet(`/admin/api/orders/${asked.id}`)).body.customer.name, 'Ada Lovelace');

    await customer.getByRole('button', { name: 'Erase personal data' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Erase personal data' }).click();
    await expectText(customer.locator('dd').first(), /^Erased on .+/, { timeout: 10000 });
    assert.equal(await customer.getByRole('button', { name: 'Erase personal data' }).count(), 0, 'no second erase');
    assert.doesNotMatch(await customer.innerText(), /Ada Lovelace|ada@example\.com|Euclid/);
    assert.equal(await customer.getByText(/asked for erasure/).count(), 0, 'the request is done');
    // The order stays: its number, items and total.
    assert.match(await page.getByRole('region', { name: 'Items' }).innerText(), /HP-64XL-BLK/);
    await shots.take(page, 'admin-erased');

    const view = (await engine.adminGet(`/admin/api/orders/${asked.id}`)).body;
    assert.equal(view.customer.erased, true);
    assert.equal(view.customer.name, null);
    assert.equal(view.customer.email, null);
    assert.equal(view.shipping, null);
    assert.equal(view.total_cents, asked.total_cents);
    const [request] = await erasureRequests();
    assert.equal(request.status, 'done');

    // The Orders page has nothing waiting any more.
    const listed = page.waitForResponse((res) => new URL(res.url()).pathname === '/admin/api/erasure-requests');
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    await listed;
    await page.getByRole('table').waitFor();
    assert.equal(await page.getByRole('region', { name: /^Erasure requests/ }).count(), 0);
  });

  test('the customer\'s order page then says the data is erased and offers no button', async () => {
    const page = customerPage;
    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Order ${asked.number}` }).waitFor();
    const privacy = page.getByRole('region', { name: 'Your personal data' });
    await expectText(privacy.locator('p').first(), /^Your personal data for this order has been erased/);
    assert.equal(await privacy.getByRole('button').count(), 0);
    // What was bought is still there.
    assert.match(await page.getByRole('region', { name: 'Items' }).innerText(), /HP 64XL High Yield Black Ink Cartridge/);
    await shots.take(page, 'customer-erased');
  });

  test('a customer who sent part of the payment is not erased; the dialog says why', async () => {
    const order = await placeOrder('erasure-underpaid', checkout({ customer: { name: 'Grace Hopper', email: 'grace@example.com' } }));
    const half = (BigInt(order.payment.amount_atomic) / 2n).toString();
    const paid = await engine.adminCommand(order.id, { type: 'verify_payment', tx_id: 'f00dfeed0123456789abcdef', amount_atomic: half });
    assert.equal(paid.payment.state, 'underpaid');
    const ref = (await engine.adminGet(`/admin/api/orders/${order.id}`)).body.customer.ref;

    const page = adminPage;
    await page.goto(`${engine.url}/admin#/orders/${order.id}`);
    await page.getByRole('heading', { name: `Order ${order.number}`, level: 1 }).waitFor();
    const customer = page.getByRole('region', { name: 'Customer' });
    await customer.getByRole('button', { name: 'Erase personal data' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Erase personal data' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: /\S/ });
    await alert.waitFor();
    const shown = await alert.innerText();
    assert.match(shown, /^Money is still owed on this customer’s order: /);
    await shots.take(page, 'admin-erase-money-owed');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The engine's own reason is what the dialog showed, and nothing changed.
    const refused = await engine.request('POST', `/admin/api/customers/${encodeURIComponent(ref)}/erase`, undefined, {
      Authorization: `Bearer ${engine.adminToken}`,
    });
    assert.equal(refused.status, 409);
    assert.match(refused.body.type, /money_owed$/);
    assert.ok(shown.includes(refused.body.detail.trim().replace(/\.$/, '')), `"${shown}" shows "${refused.body.detail}"`);
    const view = (await engine.adminGet(`/admin/api/orders/${order.id}`)).body;
    assert.equal(view.customer.name, 'Grace Hopper');
    assert.match(await customer.innerText(), /Grace Hopper/);
    await eventually(async () => (await customer.getByRole('button', { name: 'Erase personal data' }).count()) === 1, 5000, 'the action stays');
    assert.deepEqual(pageErrors, []);
  });
});
