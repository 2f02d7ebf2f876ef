// The storefront: a single-page app on plain ES modules, no build step. The
// engine answers /products/*, /orders/*, /cart, /checkout and /privacy with
// this page; this router picks the view.

import { h } from '../shared/dom.js';
import { pageTitle } from './page.js';
import { initCartPanel, openCart } from './ui/cart-panel.js';
import { setUpOptOut } from './analytics.js';
import { clearToast } from './ui/toast.js';
import { showCatalog, showProduct } from './views/catalog.js';
import { showCheckout } from './views/checkout.js';
import { showOrder } from './views/order.js';
import { showPrivacy } from './views/privacy.js';

const main = document.getElementById('main');

function showNotFound(target) {
  pageTitle('Page not found');
  target.replaceChildren(
    h('h1', { tabindex: -1 }, 'Page not found'),
    h('p', {}, 'There is no page at this address.'),
    h('p', {}, h('a', { href: '/' }, 'Go to the catalog')));
}

const routes = [
  [/^\/$/, showCatalog],
  [/^\/products\/([^/]+)$/, showProduct],
  [/^\/cart$/, async (target, context) => {
    await showCatalog(target, context);
    if (context.isCurrent()) openCart();
  }],
  [/^\/checkout$/, showCheckout],
  [/^\/orders\/([^/]+)$/, showOrder],
  [/^\/privacy$/, showPrivacy],
];

let cleanup = null;
let generation = 0;
let firstRender = true;

async function render() {
  generation += 1;
  const mine = generation;
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(location.search);
  const route = routes.find(([pattern]) => pattern.test(path));
  const params = route ? route[0].exec(path).slice(1).map(decodeURIComponent) : [];
  const view = route ? route[1] : showNotFound;
  // A view that loads data checks isCurrent() after each wait, so a slow answer
  // never paints over the page the visitor went on to.
  const isCurrent = () => mine === generation;
  let done;
  try {
    done = await view(main, { params, query, navigate, isCurrent });
  } catch {
    done = null;
  }
  if (!isCurrent()) {
    if (typeof done === 'function') done();
    return;
  }
  cleanup = done;
  // After a navigation, move the keyboard and screen reader to the new page's
  // heading; on the first load the browser's own start is right.
  if (!firstRender) (main.querySelector('h1') ?? main).focus({ preventScroll: true });
  firstRender = false;
}

export function navigate(url, { replace = false } = {}) {
  clearToast();
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.scrollTo(0, 0);
  render();
}

// Same-site links move within the app; the API, the admin pages, files and
// anything opened in a new tab or with a modifier key are left to the browser.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  if (/^\/(api|admin|images|css|js|shared)(\/|$)/.test(url.pathname)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => render());

initCartPanel({ navigate });
setUpOptOut(document.getElementById('analytics-opt-out'), document.getElementById('analytics-explained'));
render();
