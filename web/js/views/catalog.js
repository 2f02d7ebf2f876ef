// The catalog grid (/) and one product's page (/products/{sku}).

import { h } from '../../shared/dom.js';
import { formatCents } from '../../shared/money.js';
import { customerSentence } from '../../shared/problems.js';
import { cart } from '../cart.js';
import { pageTitle } from '../page.js';
import { loadProducts, findProduct } from '../products.js';
import { loadShippingPolicy } from '../shipping.js';
import { toast } from '../ui/toast.js';

function productHref(product) {
  return `/products/${encodeURIComponent(product.sku)}`;
}

function stockText(product) {
  return h('p', { class: `stock ${product.in_stock ? 'stock--in' : 'stock--out'}` },
    product.in_stock ? 'In stock' : 'Out of stock');
}

function addToCartButton(product, { withName }) {
  return h('button', {
    type: 'button',
    class: 'button button--primary',
    // On the grid every card has one: the name says which product it adds.
    'aria-label': withName ? `Add to cart: ${product.name}` : null,
    disabled: !product.in_stock,
    onClick: () => {
      cart.add(product.sku, 1);
      toast(`Added ${product.name} to your cart.`);
    },
  }, 'Add to cart');
}

function loadError(main, error) {
  main.replaceChildren(
    h('h1', { tabindex: -1 }, 'Catalog'),
    h('p', { class: 'notice notice--error', role: 'alert' }, `We could not load the catalog. ${customerSentence(error)}`),
    h('p', {}, h('a', { href: location.pathname }, 'Try again')));
}

export async function showCatalog(main, { isCurrent }) {
  pageTitle('');
  main.replaceChildren(h('h1', { tabindex: -1 }, 'Ink and toner'), h('p', { class: 'loading' }, 'Loading the catalog…'));
  let products;
  let shipping;
  try {
    [products, shipping] = await Promise.all([loadProducts(), loadShippingPolicy()]);
  } catch (error) {
    if (isCurrent()) loadError(main, error);
    return;
  }
  if (!isCurrent()) return;
  const grid = h('ul', { class: 'product-grid', 'aria-label': 'Products' }, products.map((product) => {
    const nameId = `product-${product.sku}`;
    return h('li', {},
      h('article', { class: 'product-card', 'aria-labelledby': nameId },
        h('img', { class: 'product-card__image', src: product.image_url, alt: product.name, width: 240, height: 180 }),
        h('h2', { class: 'product-card__name', id: nameId }, h('a', { href: productHref(product) }, product.name)),
        h('p', { class: 'price' }, formatCents(product.price_cents)),
        stockText(product),
        addToCartButton(product, { withName: true })));
  }));
  main.replaceChildren(
    h('h1', { tabindex: -1 }, 'Ink and toner'),
    h('p', { class: 'lead' }, 'Genuine cartridges, priced in dollars, paid in crypto.',
      // Without the engine's policy, no promise about shipping.
      shipping ? ` Free shipping from ${formatCents(shipping.free_from_cents)}.` : null),
    grid);
}

export async function showProduct(main, { params, isCurrent }) {
  const sku = params[0];
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  let product;
  try {
    product = await findProduct(sku);
  } catch (error) {
    if (isCurrent()) loadError(main, error);
    return;
  }
  if (!isCurrent()) return;
  if (!product) {
    pageTitle('Product not found');
    main.replaceChildren(
      h('h1', { tabindex: -1 }, 'Product not found'),
      h('p', {}, 'We do not sell a product with that code. It may have been discontinued.'),
      h('p', {}, h('a', { href: '/' }, 'See all products')));
    return;
  }
  pageTitle(product.name);
  main.replaceChildren(
    h('p', { class: 'breadcrumb' }, h('a', { href: '/' }, h('span', { 'aria-hidden': 'true' }, '← '), 'All products')),
    h('article', { class: 'product-page' },
      h('div', { class: 'product-page__image' },
        h('img', { src: product.image_url, alt: product.name, width: 480, height: 360 })),
      h('div', { class: 'product-page__info' },
        h('h1', { tabindex: -1 }, product.name),
        h('p', { class: 'price price--large' }, formatCents(product.price_cents)),
        stockText(product),
        h('p', { class: 'description' }, product.description),
        addToCartButton(product, { withName: false }),
        h('p', { class: 'hint' }, `Product code ${product.sku}`))));
}
