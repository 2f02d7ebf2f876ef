// The cart sidebar: a modal <dialog> named "Cart" that any page opens from the
// header's Cart button. The browser gives it Escape-to-close and keeps focus
// inside while it is open.

import { h, hiddenText, uid } from '../../shared/dom.js';
import { formatCents } from '../../shared/money.js';
import { customerSentence } from '../../shared/problems.js';
import { cart, MAX_QUANTITY } from '../cart.js';
import { cartLinesWithProducts } from '../products.js';

let dialog;
let body;
let subtotal;
let checkoutButton;
let renderedSkus = '';
let rendering = Promise.resolve();
let navigateTo = () => {};

export function initCartPanel({ navigate }) {
  navigateTo = navigate;
  dialog = document.getElementById('cart-dialog');
  body = document.getElementById('cart-body');
  subtotal = document.getElementById('cart-subtotal');
  checkoutButton = document.getElementById('cart-checkout');
  const cartButton = document.getElementById('cart-button');

  cartButton.addEventListener('click', () => openCart());
  document.getElementById('cart-close').addEventListener('click', () => closeCart());
  checkoutButton.addEventListener('click', () => {
    closeCart();
    navigateTo('/checkout');
  });
  // A click on the dimmed page beside the sidebar closes it.
  dialog.addEventListener('click', (event) => {
    if (event.target !== dialog) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right &&
      event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) closeCart();
  });
  dialog.addEventListener('close', () => {
    if (location.pathname === '/cart') history.replaceState(null, '', '/');
    if (!document.activeElement || document.activeElement === document.body) cartButton.focus();
  });

  cart.subscribe(() => {
    updateCount();
    if (dialog.open) rendering = render();
  });
  updateCount();
}

export function openCart() {
  if (dialog.open) return;
  renderedSkus = '';
  rendering = render();
  dialog.showModal();
}

export function closeCart() {
  if (dialog.open) dialog.close();
}

function updateCount() {
  const count = cart.count();
  document.getElementById('cart-count').textContent = String(count);
  document.getElementById('cart-count-unit').textContent = count === 1 ? ' item' : ' items';
}

async function render() {
  const lines = cart.lines();
  let joined;
  try {
    joined = await cartLinesWithProducts(lines);
  } catch (error) {
    renderedSkus = '';
    body.replaceChildren(h('p', { class: 'notice notice--error', role: 'alert' },
      `We could not load the prices. ${customerSentence(error)}`));
    subtotal.textContent = '';
    checkoutButton.disabled = true;
    return;
  }
  const skus = joined.map((l) => l.sku).join('\n');
  if (skus !== renderedSkus) {
    renderedSkus = skus;
    body.replaceChildren(joined.length
      ? h('ul', { class: 'cart-lines', 'aria-label': 'Items in your cart' }, joined.map(renderLine))
      : h('p', { class: 'cart-empty' }, 'Your cart is empty.'));
  } else {
    for (const line of joined) {
      const item = body.querySelector(`li[data-sku="${CSS.escape(line.sku)}"]`);
      if (!item) continue;
      const input = item.querySelector('input');
      if (input && document.activeElement !== input) input.value = String(line.quantity);
      const total = item.querySelector('.cart-line__total');
      if (total && line.product) total.textContent = formatCents(line.product.price_cents * line.quantity);
    }
  }
  const sold = joined.filter((l) => l.product);
  const cents = sold.reduce((sum, l) => sum + l.product.price_cents * l.quantity, 0);
  subtotal.textContent = `Subtotal ${formatCents(cents)}`;
  const unsold = joined.length - sold.length;
  checkoutButton.disabled = joined.length === 0 || unsold > 0;
  const note = body.querySelector('.cart-note');
  note?.remove();
  if (unsold > 0) {
    body.append(h('p', { class: 'cart-note notice' }, 'Remove the items we no longer sell to check out.'));
  }
}

function renderLine(line) {
  const nameId = uid('cart-line-name');
  const quantityId = uid('cart-line-quantity');
  const product = line.product;
  const name = product ? product.name : line.sku;

  const quantity = h('input', {
    id: quantityId,
    type: 'number',
    inputmode: 'numeric',
    min: 1,
    max: MAX_QUANTITY,
    value: String(line.quantity),
    'aria-describedby': nameId,
    'data-key': `quantity-${line.sku}`,
    class: 'quantity-input',
  });
  quantity.addEventListener('input', () => {
    const n = Number(quantity.value);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_QUANTITY) cart.setQuantity(line.sku, n);
  });
  quantity.addEventListener('change', () => {
    cart.setQuantity(line.sku, quantity.value);
    quantity.value = String(cart.quantityOf(line.sku));
  });

  const remove = h('button', {
    type: 'button',
    class: 'button button--quiet button--small',
    'aria-describedby': nameId,
    'data-key': `remove-${line.sku}`,
    onClick: async () => {
      // Keep the keyboard near where it was: the next line's Remove, else Close.
      const item = remove.closest('li');
      const nextSku = (item?.nextElementSibling ?? item?.previousElementSibling)?.dataset.sku;
      cart.remove(line.sku);
      await rendering;
      const target = nextSku ? body.querySelector(`[data-key="remove-${CSS.escape(nextSku)}"]`) : null;
      (target ?? document.getElementById('cart-close')).focus();
    },
  }, 'Remove');

  return h('li', { class: 'cart-line', 'data-sku': line.sku },
    product ? h('img', { class: 'cart-line__image', src: product.image_url, alt: '', width: 56, height: 56 }) : null,
    h('div', { class: 'cart-line__info' },
      h('p', { class: 'cart-line__name', id: nameId }, name),
      product
        ? h('p', { class: 'cart-line__price' }, `${formatCents(product.price_cents)} each`,
          product.in_stock ? null : h('span', { class: 'stock stock--out' }, ' · Out of stock'))
        : h('p', { class: 'cart-line__price stock--out' }, 'No longer sold')),
    h('div', { class: 'cart-line__controls' },
      h('label', { for: quantityId, class: 'quantity-label' }, 'Quantity'),
      quantity,
      remove),
    h('p', { class: 'cart-line__total' },
      hiddenText('Line total '),
      product ? formatCents(product.price_cents * line.quantity) : ''));
}
