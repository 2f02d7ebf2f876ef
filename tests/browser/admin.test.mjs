// The admin dashboard in Chromium against the real engine on a fresh
// database: sign-in, an order from pending to delivered through the dialogs, errors
// in words, payment exceptions (import, assign by order number, dismiss), dead mail,
// KPIs. Screenshots of each step go to tests/browser/artifacts/admin/.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startEngine } from './support/engine.mjs';
import { describedBy, eventually, expectText, launchBrowser, screenshots } from './support/browser.mjs';

const checkout = (overrides = {}) => ({
  items: [{ sku: 'HP-64XL-BLK', quantity: 2 }],
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  shipping: { line1: '1 Euclid Ave', line2: '', city: 'Cleveland', region: 'OH', postal_code: '44115', country: 'US' },
  payment_method: 'XMR',
  ...overrides,
});

// A port nothing listens on, so every email fails at once and becomes dead mail.
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const isoDay = (offsetDays) => new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);

describe('admin dashboard', { timeout: 240000 }, () => {
  let engine;
  let browser;
  let page;
  let shots;
  let admin;
  const pageErrors = [];

  async function placeOrder(key, body = checkout()) {
    const res = await engine.request('POST', '/api/orders', body, { 'Idempotency-Key': key });
    assert.equal(res.status, 201, `checkout answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function adminPost(path, body, contentType = 'application/json') {
    const res = await fetch(engine.url + path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${engine.adminToken}`, 'Content-Type': contentType },
      body: contentType === 'application/json' ? JSON.stringify(body) : body,
    });
    return { status: res.status, body: await res.json() };
  }

  // The status shown in the order's summary, as the admin reads it.
  const shownStatus = () =>
    page.locator('dl.summary > div', { has: page.locator('dt', { hasText: /^Status$/ }) }).locator('dd').innerText();

  const actionButtons = async () =>
    (await page.getByRole('region', { name: 'Actions' }).getByRole('button').allInnerTexts()).map((t) => t.trim());

  async function waitForStatus(label) {
    await eventually(async () => (await shownStatus()) === label, 10000, `status ${label} shown`);
  }

  before(async () => {
    engine = await startEngine({
      name: 'admin',
      env: {
        ORDER_ENGINE_MAIL_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
        ORDER_ENGINE_MAIL_MAX_ATTEMPTS: '1',
      },
    });
    admin = await engine.addAdmin('owner@example.com');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    shots = screenshots('admin');
  });

  after(async () => {
    await browser?.close();
    await engine?.stop();
  });

  test('a wrong password is refused with a message; email, password and code sign in', async () => {
    await page.goto(`${engine.url}/admin`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Authentication code').fill('123456');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /not right/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Sign in');
    await shots.take(page, 'sign-in-wrong-password');

    // The keyboard alone: type and press Enter.
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByLabel('Authentication code').fill(await engine.totp(admin.secret));
    await page.getByLabel('Authentication code').press('Enter');
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    // The session is an HttpOnly cookie: nothing of it is readable by the page.
    const cookies = await page.context().cookies();
    const sessionCookie = cookies.find((c) => c.name === '__Host-ccc_session');
    assert.ok(sessionCookie, 'the session cookie is set');
    assert.equal(sessionCookie.httpOnly, true);
    assert.equal(sessionCookie.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '');
    await shots.take(page, 'signed-in-orders');
  });

  test('an order goes from pending to delivered through the dialogs', async () => {
    await placeOrder('admin-other-1', checkout({ customer: { name: 'Other', email: 'other@example.com' } }));
    const order = await placeOrder('admin-journey');
    const shownAmount = order.payment.amount_display.split(' ')[0];

    await page.goto(`${engine.url}/admin#/orders`);
    const table = page.getByRole('table');
    await table.waitFor();
    // Newest first: the order placed last is the first row.
    assert.equal(await table.getByRole('row').nth(1).getByRole('link').innerText(), order.number);
    await page.getByLabel('Search').fill(order.number);
    await page.getByLabel('Search').press('Enter');
    await eventually(async () => (await table.getByRole('row').count()) === 2, 10000, 'one search result');
    await shots.take(page, 'search-by-number');

    await table.getByRole('link', { name: order.number }).click();
    await page.getByRole('heading', { name: `Order ${order.number}` }).waitFor();
    await waitForStatus('Pending');
    assert.deepEqual(await actionButtons(), ['Verify payment', 'Cancel', 'Contact customer', 'Add note']);
    const customer = page.getByRole('region', { name: 'Customer' });
    assert.match(await customer.innerText(), /Ada Lovelace/);
    assert.match(await customer.innerText(), /ada@example\.com/);
    assert.match(await page.getByRole('region', { name: 'Items' }).innerText(), /HP-64XL-BLK/);
    await shots.take(page, 'order-pending');

    await page.getByRole('button', { name: 'Verify payment' }).click();
    const verify = page.getByRole('dialog');
    assert.equal(await verify.getByLabel('Amount').inputValue(), shownAmount);
    await verify.getByLabel('Transaction ID').fill('a1b2c3d4e5f60718293a4b5c6d7e8f90');
    await shots.take(page, 'verify-payment-dialog');
    await verify.getByRole('button', { name: 'Verify payment' }).click();
    await waitForStatus('Paid');
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.deepEqual(await actionButtons(), ['Start processing', 'Cancel', 'Contact customer', 'Add note']);
    // The typed amount reached the engine exactly as quoted, in atomic units.
    const paid = await engine.adminGet(`/admin/api/orders/${order.id}`);
    assert.equal(paid.body.payments[0].amount_atomic, order.payment.amount_atomic);
    assert.equal(paid.body.payment.state, 'paid');
    await shots.take(page, 'order-paid');

    await page.getByRole('button', { name: 'Start processing' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start processing' }).click();
    await waitForStatus('Processing');
    assert.deepEqual(await actionButtons(), ['Ship', 'Cancel', 'Contact customer', 'Add note']);
    await shots.take(page, 'order-processing');

    await page.getByRole('button', { name: 'Ship', exact: true }).click();
    const ship = page.getByRole('dialog');
    // The engine refuses an over-long carrier; its problem+json names the field, shown at that input.
    await ship.getByLabel('Carrier').fill('X'.repeat(101));
    await ship.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await ship.getByLabel('Estimated delivery').fill(isoDay(3));
    await ship.getByRole('button', { name: 'Ship' }).click();
    await eventually(async () => (await ship.getByLabel('Carrier').getAttribute('aria-invalid')) === 'true', 10000, 'carrier marked invalid');
    // The message is tied to the input, so a screen reader reads it with the field.
    const carrierError = await describedBy(ship.getByLabel('Carrier'));
    assert.match(carrierError, /Carrier is longer than 100 characters/);
    assert.doesNotMatch(carrierError, /[{}]|validation/);
    await shots.take(page, 'ship-refused-field');
    await ship.getByLabel('Carrier').fill('UPS');
    await ship.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await ship.getByLabel('Estimated delivery').fill(isoDay(3));
    assert.equal(await ship.getByLabel('Estimated delivery').getAttribute('type'), 'date');
    await shots.take(page, 'ship-dialog');
    await ship.getByRole('button', { name: 'Ship' }).click();
    await waitForStatus('Shipped');
    assert.deepEqual(await actionButtons(), ['Mark delivered', 'Contact customer', 'Add note']);
    assert.match(await page.getByRole('region', { name: 'Shipment' }).innerText(), /1Z999AA10123456784/);
    await shots.take(page, 'order-shipped');

    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByRole('dialog').getByLabel('Note').fill('Left with the neighbour at no. 3');
    await page.getByRole('dialog').getByRole('button', { name: 'Add note' }).click();
    await eventually(async () => /neighbour/.test(await page.getByRole('region', { name: 'Notes' }).innerText()), 10000, 'note shown');

    await page.getByRole('button', { name: 'Mark delivered' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Mark delivered' }).click();
    await waitForStatus('Delivered');
    assert.deepEqual(await actionButtons(), ['Contact customer', 'Add note']);

    const history = await page.getByRole('region', { name: 'Event history' }).getByRole('row').allInnerTexts();
    const events = history.slice(1).map((row) => row.split('\t')[1]?.trim() ?? row);
    assert.deepEqual(events, [
      'Order placed',
      'Payment received',
      'Payment verified',
      'Processing started',
      'Shipped',
      'Note added',
      'Delivered',
    ]);
    const timeline = await page.getByRole('region', { name: 'Timeline' }).getByRole('listitem').allInnerTexts();
    assert.equal(timeline.length, 5);
    assert.match(timeline[4], /Delivered/);
    await shots.take(page, 'order-delivered-history');
  });

  test('the list filters by status and pages with Next and Previous, newest first', async () => {
    const beforeCount = (await engine.adminGet('/admin/api/orders?limit=500')).body.orders.length;
    const placed = [];
    for (let i = 0; i < 21; i += 1) placed.push(await placeOrder(`admin-paging-${i}`));
    const total = beforeCount + placed.length;

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Status').selectOption('delivered');
    const table = page.getByRole('table');
    await eventually(async () => (await table.getByRole('row').count()) === 2, 10000, 'only the delivered order');
    assert.match(await table.getByRole('row').nth(1).innerText(), /Delivered/);
    await shots.take(page, 'status-filter-delivered');

    await page.getByLabel('Status').selectOption('');
    const numbers = async () => (await table.getByRole('row').allInnerTexts()).slice(1).map((row) => row.split('\t')[0].trim());
    await eventually(async () => (await numbers())[0] === placed[20].number, 10000, 'first page, newest first');
    const firstPage = await numbers();
    assert.equal(firstPage.length, 20);
    assert.deepEqual(firstPage.slice(0, 3), [placed[20].number, placed[19].number, placed[18].number]);
    assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true);

    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(async () => (await numbers())[0] !== firstPage[0], 10000, 'second page');
    const secondPage = await numbers();
    assert.equal(secondPage.length, total - 20);
    assert.equal(secondPage.filter((n) => firstPage.includes(n)).length, 0);
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await shots.take(page, 'orders-second-page');

    await page.getByRole('button', { name: 'Previous' }).click();
    await eventually(async () => (await numbers())[0] === firstPage[0], 10000, 'back on the first page');
  });

  test('the keyboard closes a dialog with Escape and returns to its button', async () => {
    const delivered = (await engine.adminGet('/admin/api/orders?status=delivered')).body.orders[0];
    await page.goto(`${engine.url}/admin#/orders/${delivered.id}`);
    await waitForStatus('Delivered');
    await page.getByRole('button', { name: 'Contact customer' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.labels?.[0]?.textContent), 'Message');
    await page.keyboard.press('Escape');
    await eventually(async () => (await page.getByRole('dialog').count()) === 0, 5000, 'dialog closed');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Contact customer');
  });

  test('a command the status no longer allows is explained in words', async () => {
    const order = await placeOrder('admin-stale');
    await page.goto(`${engine.url}/admin#/orders/${order.id}`);
    await waitForStatus('Pending');
    // Someone else cancels it while this page still shows it pending.
    await engine.adminCommand(order.id, { type: 'cancel', reason: 'Customer asked by phone' });

    await page.getByRole('button', { name: 'Verify payment' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Transaction ID').fill('late-tx');
    await dialog.getByRole('button', { name: 'Verify payment' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: /./ });
    await alert.waitFor();
    const message = await alert.innerText();
    assert.match(message, /status does not allow/i);
    assert.doesNotMatch(message, /[{}]|"type"|invalid_transition/);
    await shots.take(page, 'invalid-transition-in-words');

    // An amount that is not a plain number is refused at its input before anything is sent.
    await dialog.getByLabel('Amount').fill('0,5');
    await dialog.getByRole('button', { name: 'Verify payment' }).click();
    assert.equal(await dialog.getByLabel('Amount').getAttribute('aria-invalid'), 'true');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.reload();
    await waitForStatus('Cancelled');
    assert.deepEqual(await actionButtons(), ['Contact customer', 'Add note']);
  });

  test('amounts convert to atomic units exactly, in the browser', async () => {
    const results = await page.evaluate(async () => {
      const money = await import('/shared/money.js');
      return {
        xmr: money.decimalToAtomic('0.431106', 12).atomic,
        eth: money.decimalToAtomic('1.000000000000000001', 18).atomic,
        // 0.1 + 0.2 is where floats go wrong.
        btc: money.decimalToAtomic('0.30000001', 8).atomic,
        big: money.decimalToAtomic('123456789.123456789123456789', 18).atomic,
        tooPrecise: money.decimalToAtomic('0.0000000001', 8).error,
        zero: money.decimalToAtomic('0.000', 12).error,
        back: money.atomicToDecimal('431106000000', 12),
        quoted: money.atomicToDecimal('431100000000', 12, { minDecimals: 6 }),
        bigBack: money.atomicToDecimal('123456789123456789123456789', 18),
        cents: [money.formatCents(6998), money.formatCents(123456), money.formatCents(-599), money.formatCents(null)],
      };
    });
    assert.deepEqual(results, {
      xmr: '431106000000',
      eth: '1000000000000000001',
      btc: '30000001',
      big: '123456789123456789123456789',
      tooPrecise: 'This coin has at most 8 decimal places.',
      zero: 'The amount must be more than zero.',
      back: '0.431106',
      quoted: '0.431100',
      bigBack: '123456789.123456789123456789',
      cents: ['$69.98', '$1,234.56', '\u2212$5.99', '—'],
    });
  });

  test('a button wired with onClick works in the admin; other spellings are refused, not ignored', async () => {
    await page.goto(`${engine.url}/admin#/orders`);
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    // The same module instance the dashboard's views build their buttons with.
    const refused = await page.evaluate(async () => {
      const { h } = await import('/shared/dom.js');
      window.probeClicks = 0;
      document.getElementById('main').append(
        h('button', { type: 'button', onClick: () => { window.probeClicks += 1; } }, 'Probe onClick'));
      const attempt = (props) => {
        try {
          h('button', props);
          return 'accepted';
        } catch (error) {
          return `${error.name}: ${error.message}`;
        }
      };
      return {
        lowerCase: attempt({ onclick: () => {} }),
        unknownEvent: attempt({ onFoo: () => {} }),
        notAFunction: attempt({ onClick: 'alert(1)' }),
        keyDown: attempt({ onKeyDown: () => {} }),
      };
    });
    await page.getByRole('button', { name: 'Probe onClick' }).click();
    assert.equal(await page.evaluate(() => window.probeClicks), 1);
    assert.match(refused.lowerCase, /^TypeError: .*write onClick/);
    assert.match(refused.unknownEvent, /^TypeError: .*onFoo/);
    assert.match(refused.notAFunction, /^TypeError: .*onClick must be a function/);
    assert.equal(refused.keyDown, 'accepted');

    // The dashboard's own onClick buttons: an order's Actions open their dialog.
    const order = await placeOrder('admin-on-click');
    await page.goto(`${engine.url}/admin#/orders/${order.id}`);
    await waitForStatus('Pending');
    await page.getByRole('region', { name: 'Actions' }).getByRole('button', { name: 'Add note' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: `Add a note to ${order.number}` }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await eventually(async () => (await page.getByRole('dialog').count()) === 0, 5000, 'dialog closed');
  });

  test('a payment exception from the CSV import is listed and dismissed', async () => {
    const csv = 'txid,coin,amount,received_at,memo\nstray-payment-0001,XMR,0.777777,2026-11-20T10:00:00Z,\n';
    const imported = await adminPost('/admin/api/payments/import', csv, 'text/csv');
    assert.equal(imported.status, 200);
    assert.equal(imported.body.exceptions, 1);

    await page.getByRole('link', { name: 'Payments' }).click();
    const row = page.getByRole('row', { name: /stray-payment-0001/ });
    await row.waitFor();
    assert.match(await row.innerText(), /0\.777777 XMR/);
    await shots.take(page, 'exception-listed');

    await row.getByRole('button', { name: /Dismiss/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    assert.match(await dialog.getByRole('alert').filter({ hasText: /./ }).innerText(), /Enter the reason/);
    await dialog.getByLabel('Reason').fill('Test transfer from our own wallet');
    await shots.take(page, 'dismiss-dialog');
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    await eventually(async () => (await page.getByRole('row', { name: /stray-payment-0001/ }).count()) === 0, 10000, 'row gone from open');
    await shots.take(page, 'exception-dismissed');

    await page.getByLabel('Show').selectOption('dismissed');
    await page.getByRole('row', { name: /stray-payment-0001/ }).waitFor();
    const dismissed = await engine.adminGet('/admin/api/payments/exceptions?status=dismissed');
    const mine = dismissed.body.exceptions.find((x) => x.txid === 'stray-payment-0001');
    assert.equal(mine.status, 'dismissed');
    assert.equal(mine.resolution, 'Test transfer from our own wallet');
    await page.getByLabel('Show').selectOption('open');
  });

  test('the Wallet CSV import shows its counts and rejected lines; an exception is assigned by order number', async () => {
    const order = await placeOrder('admin-assign', checkout({ items: [{ sku: 'HP-64XL-TRI', quantity: 1 }] }));
    await page.goto(`${engine.url}/admin#/payments`);
    const csv = [
      'txid,coin,amount,received_at,memo',
      'part-payment-0002,XMR,0.000123,2026-11-21T09:30:00Z,',
      'bad-coin,DOGE,1,2026-11-21T09:31:00Z,',
      'part-payment-0002,XMR,0.000123,2026-11-21T09:30:00Z,',
    ].join('\n');
    await page.getByLabel('Wallet CSV').setInputFiles({ name: 'wallet.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    const result = page.getByLabel('Import result');
    await result.waitFor();
    const counts = await result.innerText();
    assert.match(counts, /Processed\s+3/);
    assert.match(counts, /Matched\s+0/);
    assert.match(counts, /Exceptions\s+1/);
    assert.match(counts, /Duplicates\s+1/);
    const rejected = page.getByRole('table', { name: 'Rejected lines' });
    assert.match(await rejected.innerText(), /3\s+unknown coin "DOGE"/);
    await page.getByRole('row', { name: /part-payment-0002/ }).waitFor();
    await shots.take(page, 'import-result');

    await page.getByRole('row', { name: /part-payment-0002/ }).getByRole('button', { name: /Assign/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Order ID or number').fill('CCC-999999');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    assert.match(await dialog.getByRole('alert').filter({ hasText: /./ }).innerText(), /No order has the number CCC-999999/);
    await dialog.getByLabel('Order ID or number').fill(order.number.toLowerCase());
    await shots.take(page, 'assign-by-number');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await eventually(async () => (await page.getByRole('row', { name: /part-payment-0002/ }).count()) === 0, 10000, 'assigned row gone');

    const assigned = await engine.adminGet(`/admin/api/orders/${order.id}`);
    assert.deepEqual(assigned.body.payments.map((p) => [p.txid, p.amount_atomic]), [['part-payment-0002', '123000000']]);
    assert.equal(assigned.body.payment.state, 'underpaid');
  });

  test('dead mail is listed and retried', async () => {
    await eventually(async () => (await engine.adminGet('/admin/api/mail/dead')).body.messages.length > 0, 15000, 'dead mail');
    await page.getByRole('link', { name: 'Dead mail' }).click();
    const table = page.getByRole('table', { name: /Dead mail/ });
    await table.waitFor();
    const first = table.getByRole('row').nth(1);
    assert.match(await first.innerText(), /Couldn't connect|connect/i);
    await shots.take(page, 'dead-mail');
    await first.getByRole('button', { name: /Retry/ }).click();
    await expectText(first.getByRole('cell').last(), /Queued again\./);
    await shots.take(page, 'dead-mail-retried');
  });

  test('KPI tiles and chart for a chosen range, or "KPIs unavailable"', async () => {
    await page.getByRole('link', { name: 'KPIs' }).click();
    await page.getByLabel('From', { exact: true }).fill(isoDay(-6));
    await page.getByLabel('To', { exact: true }).fill(isoDay(0));
    await page.getByRole('button', { name: 'Show' }).click();
    const answer = await engine.adminGet(`/admin/api/kpis?from=${isoDay(-6)}&to=${isoDay(0)}`);
    if (answer.status === 404) {
      await page.getByRole('heading', { name: 'KPIs unavailable' }).waitFor();
    } else {
      assert.equal(answer.status, 200);
      const tile = (label) => page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd');
      await eventually(async () => (await tile('Orders').innerText()).startsWith(String(answer.body.orders)), 10000, 'orders tile');
      const rate = answer.body.payment_success_rate;
      assert.match(await tile('Payment success rate').innerText(), rate === null ? /No data/ : new RegExp(`^${(rate * 100).toFixed(1)} %`));
      await page.getByRole('img', { name: /Daily revenue and orders/ }).waitFor();
      // The page first shows the default 30 days; the chosen range replaces it.
      await eventually(async () => (await page.locator('svg.chart rect.bar').count()) === answer.body.daily.length,
        10000, 'one bar per day of the chosen range');
      await shots.take(page, 'kpis');

      // A range the engine refuses is explained at the date, in words.
      await page.getByLabel('From', { exact: true }).fill('2000-01-01');
      await page.getByRole('button', { name: 'Show' }).click();
      await expectText(page.getByRole('alert'), /366 days/);
      assert.equal(await page.getByLabel('From', { exact: true }).getAttribute('aria-invalid'), 'true');
      await shots.take(page, 'kpis-range-refused');
      return;
    }
    await shots.take(page, 'kpis');
  });

  test('the audit log lists the admin\'s calls and filters them', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const rows = page.getByRole('table').locator('tbody tr');
    await eventually(async () => (await rows.count()) > 0, 10000, 'audit entries shown');
    await page.getByLabel('Who (exact)').fill(admin.email);
    await page.getByLabel('What contains').fill('sign_in');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(async () => {
      const shown = await page.getByRole('table').innerText();
      return /sign_in\t—\t127\.0\.0\.1\t401/.test(shown) && /sign_in\t\S+\t127\.0\.0\.1\t201/.test(shown);
    }, 10000, 'the refused and the accepted sign-in shown');
    await page.getByLabel('What contains').fill('/admin/api/orders');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(async () => {
      const who = await page.getByRole('table').locator('tbody tr th').allInnerTexts();
      const what = await page.getByRole('table').locator('tbody tr td:nth-of-type(2)').allInnerTexts();
      return who.length > 0 && who.every((w) => w === admin.email) && what.every((w) => w.includes('/admin/api/orders'));
    }, 10000, 'only the filtered entries shown');
    await shots.take(page, 'audit-log');
  });

  test('a session ended on the server returns to sign-in with a message', async () => {
    const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-ccc_session');
    const headers = { Cookie: `${cookie.name}=${cookie.value}` };
    const current = await engine.request('GET', '/admin/api/session', undefined, headers);
    const ended = await engine.request('DELETE', '/admin/api/session', undefined, {
      ...headers,
      'X-CSRF-Token': current.body.csrf_token,
    });
    assert.equal(ended.status, 204);
    await page.getByRole('link', { name: 'Orders' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /session has ended/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Sign in');
    await shots.take(page, 'session-ended');

    // A recovery code stands in for the app (the last code was used).
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByLabel('Authentication code').fill(admin.recoveryCodes[0]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await page.goto(`${engine.url}/admin#/orders`);
    await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
