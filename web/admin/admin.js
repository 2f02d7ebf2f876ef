// The admin dashboard's shell: sign-in, the hash router and the section navigation.
// Each section is a module exporting render(main, params) that fills <main>.

import { ApiError } from '../shared/api.js';
import { fill, h, uid } from '../shared/dom.js';
import { adminSentence } from '../shared/problems.js';
import { get, onUnauthorized, session } from './session.js';
import { announce, errorBox } from './ui.js';
import * as orders from './orders.js';
import * as order from './order.js';
import * as payments from './payments.js';
import * as mail from './mail.js';
import * as kpis from './kpis.js';
import * as system from './system.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');

// Hash routes; the first match wins. `section` lights up the navigation.
const routes = [
  { pattern: /^\/orders\/([0-9a-fA-F-]{36})$/, section: 'orders', view: order, params: (m) => ({ id: m[1] }) },
  { pattern: /^\/orders\/?$/, section: 'orders', view: orders },
  { pattern: /^\/payments\/?$/, section: 'payments', view: payments },
  { pattern: /^\/mail\/?$/, section: 'mail', view: mail },
  { pattern: /^\/kpis\/?$/, section: 'kpis', view: kpis },
  { pattern: /^\/system\/?$/, section: 'system', view: system },
];

/** The route in the hash; /admin/orders/{id} (a link from an email or the log) is the same page. */
function currentPath() {
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  if (hash.startsWith('/')) return hash;
  const fromPath = /^\/admin(\/orders\/[0-9a-fA-F-]{36})\/?$/.exec(location.pathname);
  return fromPath ? fromPath[1] : '/orders';
}

let renderCount = 0;

async function render() {
  if (!session.token()) return showSignIn();
  nav.hidden = false;
  signOutButton.hidden = false;
  const path = currentPath();
  const route = routes.find((r) => r.pattern.test(path));
  for (const link of nav.querySelectorAll('a')) {
    if (route && link.dataset.section === route.section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const thisRender = ++renderCount;
  if (!route) {
    fill(main, h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '#/orders' }, 'Go to the orders')));
    return focusHeading();
  }
  const params = route.params ? route.params(route.pattern.exec(path)) : {};
  try {
    await route.view.render(main, params, { isCurrent: () => thisRender === renderCount });
  } catch (error) {
    if (!session.token()) return; // a 401: sign-in is showing
    fill(main, h('h1', { tabindex: '-1' }, 'Something went wrong'), errorBox(adminSentence(error)));
  }
  if (thisRender === renderCount) focusHeading();
}

// Moves focus to the new page's heading so keyboard and screen reader users start there.
function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading && !main.contains(document.activeElement)) heading.focus({ preventScroll: true });
}

function showSignIn(message = '') {
  nav.hidden = true;
  signOutButton.hidden = true;
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  const inputId = uid('admin-token');
  const error = h('p', { class: 'error', role: 'alert', id: `${inputId}-error`, hidden: !message }, message);
  const input = h('input', {
    id: inputId,
    name: 'token',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': `${inputId}-error`,
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: inputId }, 'Admin token'), input),
    error,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    error.hidden = true;
    if (!token) {
      error.textContent = 'Enter the admin token.';
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      return input.focus();
    }
    button.disabled = true;
    try {
      // Any cheap authenticated call tells whether the token is right.
      await get('/admin/api/orders?limit=1', { token, signingIn: true });
      session.save(token);
      input.value = '';
      announce('Signed in.');
      await render();
    } catch (failure) {
      error.textContent =
        failure.status === 401 ? 'That admin token was not accepted. Check it and try again.' : adminSentence(failure);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Sign in'),
    h('p', {}, 'Enter the admin token set in the engine’s configuration (admin.token).'),
    form,
  );
  input.focus();
}

onUnauthorized(() => {
  session.clear();
  renderCount++;
  showSignIn('Your session has ended: the admin token was not accepted. Sign in again.');
});

signOutButton.addEventListener('click', () => {
  session.clear();
  announce('Signed out.');
  showSignIn();
});

window.addEventListener('hashchange', () => {
  // A notice and an open dialog belong to the page they were about (Back was pressed).
  document.getElementById('notice').textContent = '';
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  render();
});

// Keeps errors thrown outside a view (a stray promise) visible rather than silent.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof ApiError) {
    event.preventDefault();
    if (event.reason.status !== 401) announce(adminSentence(event.reason), 'error');
  }
});

render();
