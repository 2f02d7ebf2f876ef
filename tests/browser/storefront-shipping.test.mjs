// The checkout's shipping estimate follows the engine's shipping policy
// (GET /api/shipping-policy), not a copy of it in the page: the flat fee below
// free_from_cents, "Free" from it on; other figures from the API give other
// estimates; without the policy the page guesses nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEngineAndBrowser, screenshots, expectText } from './support/browser.mjs';

let shop;
let products;
let policy;
before(async () => {
  shop = await startEngineAndBrowser('storefront-shipping');
  products = (await shop.engine.request('GET', '/api/products')).body;
  const answer = await shop.engine.request('GET', '/api/shipping-policy');
  assert.equal(answer.status, 200, `GET /api/shipping-policy answered ${answer.status}`);
  policy = answer.body;
});
after(() => shop?.close());

/** 2298 -> "$22.98", as the pages write dollars. */
const usd = (cents) => `$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The summary's totals in order, e.g. Subtotal $16.99 Shipping $5.99 Total $22.98. */
const totals = (subtotal, shipping, total) =>
  new RegExp(`Subtotal\\s*${escape(subtotal)}\\s*Shipping\\s*${escape(shipping)}\\s*Total\\s*${escape(total)}`);

/** The cheapest product that can be bought, and how many of it reach `freeFrom`. */
function cheapest(freeFrom) {
  const product = products.filter((p) => p.in_stock).sort((a, b) => a.price_cents - b.price_cents)[0];
  return { product, quantityForFree: Math.ceil(freeFrom / product.price_cents) };
}

async function newPage(name) {
  const context = await shop.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const policyRequests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/shipping-policy') policyRequests.push(request.url());
  });
  return { context, page, pageErrors, policyRequests, shots: screenshots(`storefront-shipping-${name}`) };
}

/** The catalog; answers its lead paragraph. */
async function openCatalog(page) {
  await page.goto(`${shop.engine.url}/`);
  await page.getByRole('heading', { level: 1, name: 'Ink and toner' }).waitFor();
  return page.locator('p.lead');
}

/** From the catalog: one `product` in the cart, then the checkout, by the visitor's own clicks. */
async function toCheckout(page, product) {
  await page.getByRole('article', { name: product.name }).getByRole('button', { name: /Add to cart/ }).click();
  await expectText(page.getByRole('button', { name: /^Cart/ }), /Cart\s*1/);
  await page.getByRole('button', { name: /^Cart/ }).click();
  await page.getByRole('dialog', { name: 'Cart' }).getByRole('button', { name: 'Checkout' }).click();
  await page.waitForURL(`${shop.engine.url}/checkout`);
  return page.getByRole('region', { name: 'Your order' });
}

/** Changes the quantity through "Edit cart"; the summary follows. */
async function setQuantity(page, quantity) {
  await page.getByRole('button', { name: 'Edit cart' }).click();
  const cart = page.getByRole('dialog', { name: 'Cart' });
  await cart.getByLabel('Quantity').fill(String(quantity));
  await page.keyboard.press('Escape');
  await cart.waitFor({ state: 'hidden' });
}

test('the estimate is the API\'s flat fee below free_from_cents and free from it', { timeout: 60000 }, async () => {
  assert.ok(Number.isSafeInteger(policy.flat_cents) && policy.flat_cents > 0, JSON.stringify(policy));
  assert.ok(Number.isSafeInteger(policy.free_from_cents) && policy.free_from_cents > 0, JSON.stringify(policy));
  const { product, quantityForFree } = cheapest(policy.free_from_cents);
  assert.ok(quantityForFree > 1 && quantityForFree <= 99, `${product.sku} alone stays below free shipping`);
  const { context, page, pageErrors, policyRequests, shots } = await newPage('api');

  await expectText(await openCatalog(page), new RegExp(`Free shipping from ${escape(usd(policy.free_from_cents))}\\.$`));
  const summary = await toCheckout(page, product);
  const below = product.price_cents;
  await expectText(summary.locator('dl'), totals(usd(below), usd(policy.flat_cents), usd(below + policy.flat_cents)));
  await shots.take(page, 'below-free-shipping');

  await setQuantity(page, quantityForFree);
  const atOrAbove = product.price_cents * quantityForFree;
  assert.ok(atOrAbove >= policy.free_from_cents);
  await expectText(summary.locator('dl'), totals(usd(atOrAbove), 'Free', usd(atOrAbove)));
  await shots.take(page, 'free-shipping');

  // Back under the threshold: the flat fee again.
  await setQuantity(page, quantityForFree - 1);
  const under = product.price_cents * (quantityForFree - 1);
  if (under < policy.free_from_cents) {
    await expectText(summary.locator('dl'), totals(usd(under), usd(policy.flat_cents), usd(under + policy.flat_cents)));
  }

  // Asked once for the whole visit (catalog, cart and checkout are one page).
  assert.equal(policyRequests.length, 1, `policy fetched ${policyRequests.length} times`);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('other figures from the API give other estimates: nothing is copied into the page', { timeout: 60000 }, async () => {
  const { product } = cheapest(policy.free_from_cents);
  const other = { flat_cents: 1234, free_from_cents: product.price_cents * 2 };
  const { context, page, pageErrors, shots } = await newPage('other-figures');
  await context.route('**/api/shipping-policy', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(other) }));

  await expectText(await openCatalog(page), new RegExp(`Free shipping from ${escape(usd(other.free_from_cents))}\\.$`));
  const summary = await toCheckout(page, product);
  await expectText(summary.locator('dl'), totals(usd(product.price_cents), '$12.34', usd(product.price_cents + 1234)));
  await shots.take(page, 'flat-fee');

  await setQuantity(page, 2);
  await expectText(summary.locator('dl'), totals(usd(other.free_from_cents), 'Free', usd(other.free_from_cents)));
  await shots.take(page, 'free');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('without the policy the checkout shows no estimate, and the order is still placed', { timeout: 60000 }, async () => {
  const { product } = cheapest(policy.free_from_cents);
  const { context, page, pageErrors, shots } = await newPage('no-policy');
  await context.route('**/api/shipping-policy', (route) => route.abort('connectionrefused'));

  // No promise about shipping on the catalog either.
  await expectText(await openCatalog(page), 'Genuine cartridges, priced in dollars, paid in crypto.');
  const summary = await toCheckout(page, product);
  await expectText(summary.locator('dl'),
    totals(usd(product.price_cents), 'Calculated at checkout', `${usd(product.price_cents)} + shipping`));
  await shots.take(page, 'no-estimate');

  await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await page.getByLabel('Email', { exact: true }).fill('grace@example.com');
  await page.getByLabel('Address line 1', { exact: true }).fill('2121 Euclid Ave');
  await page.getByLabel('City', { exact: true }).fill('Cleveland');
  await page.getByLabel('State', { exact: true }).fill('OH');
  await page.getByLabel('ZIP / postal code', { exact: true }).fill('44115');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?token=/);
  const orderId = new URL(page.url()).pathname.split('/').pop();
  const placed = (await shop.engine.adminGet(`/admin/api/orders/${orderId}`)).body;
  // The engine prices the order itself; the page shows its figures.
  assert.equal(placed.shipping_cents, product.price_cents >= policy.free_from_cents ? 0 : policy.flat_cents);
  const items = page.getByRole('region', { name: 'Items' });
  const shown = placed.shipping_cents ? usd(placed.shipping_cents) : 'Free';
  await expectText(items.getByRole('row').filter({ hasText: /^Shipping/ }), new RegExp(`^Shipping\\s*${escape(shown)}$`));
  assert.deepEqual(pageErrors, []);
  await context.close();
});
