// The Webhooks page in Chromium against the real engine: an endpoint registered
// with its secret shown once, a delivery that the receiver refuses listed as failed,
// Redeliver sending it again under the same webhook-id with a valid signature
// (checked here with node's own HMAC), and the endpoint deleted. The receiver is a
// small HTTP server in this process, on loopback (webhooks.allow_private_targets).
// Screenshots of each step go to tests/browser/artifacts/webhooks/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { startEngine } from './support/engine.mjs';
import { eventually, expectText, launchBrowser, screenshots, signInAdmin } from './support/browser.mjs';

const checkout = {
  items: [{ sku: 'HP-64XL-BLK', quantity: 1 }],
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shipping: { line1: '1 Euclid Ave', line2: '', city: 'Cleveland', region: 'OH', postal_code: '44115', country: 'US' },
  payment_method: 'XMR',
};

/** A receiver that records each delivery and answers `status` (500 until told otherwise). */
function startReceiver() {
  const receiver = { status: 500, received: [] };
  receiver.server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks), answered: receiver.status });
      res.writeHead(receiver.status);
      res.end();
    });
  });
  return new Promise((resolve) => receiver.server.listen(0, '127.0.0.1', () => {
    receiver.url = `http://127.0.0.1:${receiver.server.address().port}/hook`;
    resolve(receiver);
  }));
}

/** Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body)), key = base64 after whsec_. */
function signatureIsValid(secret, delivery) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${delivery.headers['webhook-id']}.${delivery.headers['webhook-timestamp']}.${delivery.body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return delivery.headers['webhook-signature'].split(' ').includes(expected);
}

describe('webhooks page', { timeout: 180000 }, () => {
  let engine;
  let browser;
  let page;
  let shots;
  let admin;
  let receiver;
  const pageErrors = [];

  before(async () => {
    receiver = await startReceiver();
    engine = await startEngine({
      name: 'webhooks',
      env: {
        ORDER_ENGINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        ORDER_ENGINE_WEBHOOKS_RETRY_AFTER: '100ms',
        ORDER_ENGINE_WEBHOOKS_RETRY_MAX: '200ms',
        ORDER_ENGINE_WEBHOOKS_GIVE_UP_AFTER: '1s',
        ORDER_ENGINE_WEBHOOKS_POLL_INTERVAL: '100ms',
      },
    });
    admin = await engine.addAdmin('owner@example.com');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    shots = screenshots('webhooks');
    await signInAdmin(page, engine, admin);
  });

  after(async () => {
    await browser?.close();
    await engine?.stop();
    receiver?.server.close();
  });

  test('a URL that is not http or https is refused in words at its field, nothing registered', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByLabel('Endpoint URL').fill('ftp://hooks.example.com/');
    await page.getByRole('button', { name: 'Register' }).click();
    await expectText(page.getByRole('alert'), /must start with http:\/\/ or https:\/\//);
    assert.equal(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid'), 'true');
    await expectText(page.getByRole('region', { name: 'Endpoints' }), /No webhook endpoints/);
    await shots.take(page, 'refused');
  });

  test('register shows the secret once; a refused delivery is failed; Redeliver sends it signed', async () => {
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Events').fill('order_placed');
    await page.getByRole('button', { name: 'Register' }).click();
    const secret = (await page.getByLabel('Signing secret').innerText()).trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    const endpoints = page.getByRole('table', { name: /Webhook endpoints/ });
    await expectText(endpoints, new RegExp(receiver.url.replace(/[./]/g, '\\$&')));
    assert.match(await endpoints.innerText(), /Order placed/);
    assert.match(await endpoints.innerText(), /\bNone\b/, 'no personal data unless the box is ticked');
    assert.doesNotMatch(await page.getByRole('region', { name: 'Endpoints' }).innerText(), /whsec_/);
    await shots.take(page, 'registered');

    const placed = await engine.request('POST', '/api/orders', checkout, { 'Idempotency-Key': 'webhooks-1' });
    assert.equal(placed.status, 201);
    await eventually(async () => (await engine.adminGet('/admin/api/webhooks/deliveries?state=failed')).body.deliveries.length === 1,
      15000, 'the refused delivery is failed');
    const refusedIds = new Set(receiver.received.map((d) => d.headers['webhook-id']));
    assert.equal(refusedIds.size, 1, 'every attempt carried one webhook-id');

    await page.reload();
    const failed = page.getByRole('table', { name: /Failed webhook deliveries/ });
    await failed.waitFor();
    const row = failed.getByRole('row').nth(1);
    assert.match(await row.innerText(), /HTTP 500/);
    await shots.take(page, 'failed');

    receiver.status = 204;
    await row.getByRole('button', { name: /Redeliver/ }).click();
    await expectText(row.getByRole('cell').last(), /Queued again\./);
    await eventually(async () => receiver.received.at(-1)?.answered === 204, 15000, 'the redelivery arrives');
    const delivered = receiver.received.at(-1);
    assert.ok(refusedIds.has(delivered.headers['webhook-id']), 'redelivered under its webhook-id');
    assert.ok(signatureIsValid(secret, delivered), 'the signature verifies with the secret shown once');
    const payload = JSON.parse(delivered.body);
    assert.equal(payload.type, 'order_placed');
    assert.equal(payload.data.order_number, placed.body.number);
    assert.doesNotMatch(delivered.body.toString(), /Ada|ada@example\.com|Euclid/);
    await shots.take(page, 'redelivered');
  });

  test('an endpoint registered with the personal-data box ticked is listed and stored as receiving it', async () => {
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/fulfilment`);
    await page.getByLabel('Events').fill('order_shipped');
    await page.getByLabel(/Include the customer's name, email and shipping address/).check();
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByLabel('Signing secret').waitFor();
    const endpoints = page.getByRole('table', { name: /Webhook endpoints/ });
    await expectText(endpoints, /Name, email, address/);
    const stored = (await engine.adminGet('/admin/api/webhooks')).body.webhooks;
    assert.deepEqual(stored.map((w) => w.include_personal_data), [false, true]);
    assert.equal(await page.getByLabel(/Include the customer's name/).isChecked(), false, 'the box is cleared for the next one');
    await endpoints.getByRole('row').nth(2).getByRole('button', { name: /Delete/ }).click();
    await eventually(async () => (await engine.adminGet('/admin/api/webhooks')).body.webhooks.length === 1, 15000,
      'the second endpoint is deleted');
    await shots.take(page, 'personal-data');
  });

  test('an endpoint is deleted from its row', async () => {
    await page.reload();
    const endpoints = page.getByRole('table', { name: /Webhook endpoints/ });
    await endpoints.getByRole('button', { name: /Delete/ }).click();
    await expectText(page.getByRole('region', { name: 'Endpoints' }), /No webhook endpoints/);
    assert.deepEqual((await engine.adminGet('/admin/api/webhooks')).body.webhooks, []);
    assert.deepEqual(pageErrors, []);
    await shots.take(page, 'deleted');
  });
});
