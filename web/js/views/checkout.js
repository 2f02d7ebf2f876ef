// The checkout (/checkout): contact and shipping form, payment method, and
// "Place order". Blank required fields are caught here; everything else is the
// engine's call, and its 422 `field` lands on the matching input.

import { apiRequest, ApiError, randomKey } from '../../shared/api.js';
import { h, uid } from '../../shared/dom.js';
import { formatCents } from '../../shared/money.js';
import { customerSentence } from '../../shared/problems.js';
import { track } from '../analytics.js';
import { cart } from '../cart.js';
import { countries, REGION_REQUIRED } from '../countries.js';
import { pageTitle } from '../page.js';
import { cartLinesWithProducts, loadProducts } from '../products.js';
import { loadShippingPolicy, shippingCents } from '../shipping.js';
import { openCart } from '../ui/cart-panel.js';

// The form's fields: API field name -> how it is asked for.
const FIELDS = [
  { key: 'name', api: 'customer.name', label: 'Name', autocomplete: 'name', required: true, group: 'contact' },
  { key: 'email', api: 'customer.email', label: 'Email', type: 'email', autocomplete: 'email', required: true,
    group: 'contact', hint: 'Your order link and payment confirmation go here.' },
  { key: 'line1', api: 'shipping.line1', label: 'Address line 1', autocomplete: 'address-line1', required: true,
    group: 'shipping' },
  { key: 'line2', api: 'shipping.line2', label: 'Address line 2', autocomplete: 'address-line2', group: 'shipping',
    hint: 'Optional: apartment, suite, floor.' },
  { key: 'city', api: 'shipping.city', label: 'City', autocomplete: 'address-level2', required: true,
    group: 'shipping' },
  { key: 'region', api: 'shipping.region', label: 'State', autocomplete: 'address-level1', group: 'shipping',
    hint: 'State or province; required for the United States and Canada.' },
  { key: 'postal_code', api: 'shipping.postal_code', label: 'ZIP / postal code', autocomplete: 'postal-code',
    required: true, group: 'shipping', size: 'short' },
  { key: 'country', api: 'shipping.country', label: 'Country', autocomplete: 'country', required: true,
    group: 'shipping', select: true },
];

const DRAFT_KEY = 'ccc.checkout.draft';
const ATTEMPT_KEY = 'ccc.checkout.attempt';

// The form as typed, kept for this tab only, so a trip back to the catalog
// does not lose it. Cleared once the order is placed.
function readSession(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}
function writeSession(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // no session storage: the form simply starts blank next time
  }
}

/** The same body keeps its Idempotency-Key, so a retry never makes a second order. */
function idempotencyKeyFor(body) {
  const text = JSON.stringify(body);
  const attempt = readSession(ATTEMPT_KEY);
  if (attempt && attempt.body === text && typeof attempt.key === 'string') return attempt.key;
  const key = randomKey();
  writeSession(ATTEMPT_KEY, { key, body: text });
  return key;
}

/** Makes sure an error message names its field ("Email must be …"). */
function namingField(label, message) {
  return message.toLowerCase().includes(label.toLowerCase()) ? message : `${label}: ${message}`;
}

function buildField(spec, draft) {
  const id = `checkout-${spec.key}`;
  const hintId = spec.hint ? uid('hint') : null;
  const errorId = uid('error');
  // The label is exactly the field's name; `required` tells assistive tech the rest.
  const label = h('label', { for: id, class: 'field__label' }, spec.label);
  let input;
  if (spec.select) {
    const chosen = draft?.[spec.key] || 'US';
    input = h('select', { id, name: spec.key, autocomplete: spec.autocomplete, required: spec.required },
      countries().map((c) => h('option', { value: c.code, selected: c.code === chosen }, c.name)));
  } else {
    input = h('input', {
      id,
      name: spec.key,
      type: spec.type ?? 'text',
      autocomplete: spec.autocomplete,
      required: spec.required,
      value: draft?.[spec.key] ?? '',
      maxlength: 200,
      spellcheck: spec.type === 'email' ? 'false' : null,
      autocapitalize: spec.type === 'email' ? 'off' : null,
    });
  }
  if (hintId) input.setAttribute('aria-describedby', hintId);
  const hint = hintId ? h('p', { class: 'hint', id: hintId }, spec.hint) : null;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const wrapper = h('div', { class: `field${spec.size === 'short' ? ' field--short' : ''}` }, label, input, hint, error);

  const field = {
    spec,
    input,
    wrapper,
    setError(message) {
      error.textContent = namingField(spec.label, message);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
      wrapper.classList.add('field--invalid');
    },
    clearError() {
      error.textContent = '';
      error.hidden = true;
      input.removeAttribute('aria-invalid');
      if (hintId) input.setAttribute('aria-describedby', hintId);
      else input.removeAttribute('aria-describedby');
      wrapper.classList.remove('field--invalid');
    },
    value() {
      return input.value.trim();
    },
  };
  // Editing a field takes its error away; the next "Place order" judges again.
  input.addEventListener('input', () => field.clearError());
  input.addEventListener('change', () => field.clearError());
  return field;
}

function buildPaymentMethods(methods, chosen) {
  const legendId = uid('legend');
  const errorId = uid('error');
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const group = h('fieldset', { class: 'payment-methods', role: 'radiogroup', 'aria-labelledby': legendId },
    h('legend', { id: legendId }, 'Payment method'),
    methods.map((method, index) => {
      const id = `payment-${method.code}`;
      const descriptionId = uid('method');
      const description = method.verification === 'automatic'
        ? `Detected automatically; counts after ${method.confirmations_required} confirmations.`
        : 'Checked by the shop once it arrives in our wallet.';
      return h('div', { class: 'radio-option' },
        h('input', {
          type: 'radio', id, name: 'payment_method', value: method.code,
          checked: chosen ? chosen === method.code : index === 0,
          'aria-describedby': descriptionId,
        }),
        h('label', { for: id }, `${method.name} (${method.code})`),
        h('p', { class: 'hint', id: descriptionId }, description));
    }),
    error);
  return {
    group,
    value() {
      return group.querySelector('input[name="payment_method"]:checked')?.value ?? '';
    },
    setError(message) {
      error.textContent = namingField('Payment method', message);
      error.hidden = false;
      group.setAttribute('aria-invalid', 'true');
      group.setAttribute('aria-describedby', errorId);
    },
    clearError() {
      error.textContent = '';
      error.hidden = true;
      group.removeAttribute('aria-invalid');
      group.removeAttribute('aria-describedby');
    },
    focus() {
      (group.querySelector('input:checked') ?? group.querySelector('input'))?.focus();
    },
  };
}

function emptyCart(main) {
  main.replaceChildren(
    h('h1', { tabindex: -1 }, 'Checkout'),
    h('p', {}, 'Your cart is empty.'),
    h('p', {}, h('a', { href: '/' }, 'Browse the catalog')));
}

export async function showCheckout(main, { navigate, isCurrent }) {
  pageTitle('Checkout');
  if (cart.count() === 0) {
    emptyCart(main);
    return undefined;
  }
  track('checkout_started');
  main.replaceChildren(h('h1', { tabindex: -1 }, 'Checkout'), h('p', { class: 'loading' }, 'Loading…'));

  let methods;
  let shippingPolicy;
  try {
    [methods, , shippingPolicy] = await Promise.all([apiRequest('/api/payment-methods'), loadProducts(), loadShippingPolicy()]);
  } catch (error) {
    if (!isCurrent()) return undefined;
    main.replaceChildren(
      h('h1', { tabindex: -1 }, 'Checkout'),
      h('p', { class: 'notice notice--error', role: 'alert' }, `We could not load the checkout. ${customerSentence(error)}`),
      h('p', {}, h('a', { href: '/checkout' }, 'Try again')));
    return undefined;
  }
  if (!isCurrent()) return undefined;

  const draft = readSession(DRAFT_KEY) ?? {};
  const fields = FIELDS.map((spec) => buildField(spec, draft));
  const byKey = Object.fromEntries(fields.map((f) => [f.spec.key, f]));
  const payment = buildPaymentMethods(methods, draft.payment_method);

  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const status = h('p', { class: 'form-status', role: 'status' });
  const placeOrder = h('button', { type: 'submit', class: 'button button--primary button--wide' }, 'Place order');

  const form = h('form', { class: 'checkout-form', novalidate: true, 'aria-labelledby': 'checkout-title' },
    alert,
    h('fieldset', { class: 'form-section' },
      h('legend', {}, 'Contact'),
      fields.filter((f) => f.spec.group === 'contact').map((f) => f.wrapper)),
    h('fieldset', { class: 'form-section' },
      h('legend', {}, 'Shipping address'),
      h('div', { class: 'field-grid' }, fields.filter((f) => f.spec.group === 'shipping').map((f) => f.wrapper))),
    h('div', { class: 'form-section' }, payment.group),
    h('p', { class: 'hint' }, 'The crypto amount is quoted when you place the order.'),
    placeOrder,
    status);

  form.addEventListener('input', () => {
    const values = Object.fromEntries(fields.map((f) => [f.spec.key, f.input.value]));
    values.payment_method = payment.value();
    writeSession(DRAFT_KEY, values);
  });
  form.addEventListener('change', (event) => {
    if (event.target.name === 'payment_method') payment.clearError();
  });

  const summary = h('section', { class: 'order-summary', 'aria-labelledby': 'summary-title' });
  const itemErrors = new Map(); // sku -> message from the engine
  async function renderSummary() {
    const lines = await cartLinesWithProducts(cart.lines());
    const sold = lines.filter((l) => l.product);
    const subtotal = sold.reduce((sum, l) => sum + l.product.price_cents * l.quantity, 0);
    // An estimate from the engine's policy; without it, none (never a guess).
    const shipping = shippingCents(subtotal, shippingPolicy);
    summary.replaceChildren(
      h('h2', { id: 'summary-title' }, 'Your order'),
      lines.length === 0
        ? h('p', {}, 'Your cart is empty.')
        : h('ul', { class: 'summary-lines' }, lines.map((l) => h('li', { class: 'summary-line' },
          h('span', { class: 'summary-line__name' }, l.product ? l.product.name : l.sku,
            h('span', { class: 'summary-line__quantity' }, ` × ${l.quantity}`)),
          h('span', { class: 'summary-line__total' }, l.product ? formatCents(l.product.price_cents * l.quantity) : '—'),
          itemErrors.has(l.sku) ? h('p', { class: 'field-error' }, itemErrors.get(l.sku)) : null))),
      h('dl', { class: 'totals' },
        h('div', {}, h('dt', {}, 'Subtotal'), h('dd', {}, formatCents(subtotal))),
        h('div', {}, h('dt', {}, 'Shipping'),
          h('dd', {}, shipping === null ? 'Calculated at checkout' : shipping === 0 ? 'Free' : formatCents(shipping))),
        h('div', { class: 'totals__total' }, h('dt', {}, 'Total'),
          h('dd', {}, shipping === null ? `${formatCents(subtotal)} + shipping` : formatCents(subtotal + shipping)))),
      h('button', { type: 'button', class: 'button button--quiet', onClick: () => openCart() }, 'Edit cart'));
    placeOrder.disabled = lines.length === 0;
  }
  try {
    await renderSummary();
  } catch {
    // the catalog loaded a moment ago; a failure here leaves the summary empty
  }
  if (!isCurrent()) return undefined;
  const unsubscribe = cart.subscribe(() => {
    renderSummary().catch(() => {});
  });

  function showAlert(message) {
    alert.replaceChildren(h('p', {}, message));
    alert.hidden = false;
  }

  function clearErrors() {
    fields.forEach((f) => f.clearError());
    payment.clearError();
    alert.hidden = true;
    alert.replaceChildren();
    itemErrors.clear();
  }

  /** Blank required fields, all at once, in the engine's words. */
  function checkRequired() {
    const problems = [];
    for (const f of fields) {
      if (f.spec.required && !f.value()) problems.push([f, `${f.spec.label} is required`]);
    }
    const country = byKey.country.value();
    if (REGION_REQUIRED.has(country) && !byKey.region.value()) {
      problems.push([byKey.region, `State is required for addresses in ${country}`]);
    }
    for (const [f, message] of problems) f.setError(message);
    if (!payment.value()) {
      payment.setError('Choose how you want to pay');
      if (problems.length === 0) payment.focus();
    }
    if (problems.length > 0) problems[0][0].input.focus();
    return problems.length === 0 && payment.value() !== '';
  }

  /** A 422 from the engine, shown where it belongs. */
  async function showApiError(error, lines) {
    const field = fields.find((f) => f.spec.api === error.field);
    if (field) {
      field.setError(customerSentence(error));
      showAlert('Please check the highlighted field.');
      field.input.focus();
      return;
    }
    if (error.field === 'payment_method') {
      payment.setError(customerSentence(error));
      showAlert('Please choose a payment method.');
      payment.focus();
      return;
    }
    const item = /^items\[(\d+)\]/.exec(error.field ?? '');
    if (item && lines[Number(item[1])]) {
      const line = lines[Number(item[1])];
      itemErrors.set(line.sku, customerSentence(error));
      await renderSummary();
      showAlert(`${customerSentence(error)} Change your cart and try again.`);
      alert.focus();
      return;
    }
    showAlert(customerSentence(error));
  }

  let submitting = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitting) return;
    clearErrors();
    await renderSummary();
    if (!checkRequired()) {
      showAlert('Please fill in the highlighted fields.');
      return;
    }
    const lines = cart.lines();
    const value = (key) => byKey[key].value();
    const body = {
      items: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      customer: { name: value('name'), email: value('email') },
      shipping: {
        line1: value('line1'),
        line2: value('line2'),
        city: value('city'),
        region: value('region'),
        postal_code: value('postal_code'),
        country: value('country'),
      },
      payment_method: payment.value(),
    };
    submitting = true;
    placeOrder.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.textContent = 'Placing your order…';
    try {
      const order = await apiRequest('/api/orders', {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': idempotencyKeyFor(body) },
      });
      writeSession(DRAFT_KEY, null);
      writeSession(ATTEMPT_KEY, null);
      cart.clear();
      navigate(`/orders/${encodeURIComponent(order.id)}?token=${encodeURIComponent(order.access_token)}`,
        { replace: true });
    } catch (error) {
      status.textContent = '';
      if (error instanceof ApiError && error.field) await showApiError(error, lines);
      else showAlert(customerSentence(error));
      if (alert.hidden === false && !form.contains(document.activeElement)) alert.focus();
    } finally {
      submitting = false;
      placeOrder.disabled = cart.count() === 0;
      form.removeAttribute('aria-busy');
    }
  });
  alert.setAttribute('tabindex', '-1');

  main.replaceChildren(
    h('h1', { tabindex: -1, id: 'checkout-title' }, 'Checkout'),
    h('div', { class: 'checkout-layout' }, form, summary));
  return unsubscribe;
}

