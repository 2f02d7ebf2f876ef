// The admin dashboard's shell: sign-in, the hash router and the section navigation.
// Each section is a module exporting render(main, params) that fills <main>.

import { ApiError } from '../shared/api.js';
import { fill, h, uid } from '../shared/dom.js';
import { adminSentence } from '../shared/problems.js';
import { onUnauthorized, resume, session, signIn, signOut } from './session.js';
import { announce, errorBox } from './ui.js';
import * as orders from './orders.js';
import * as order from './order.js';
import * as payments from './payments.js';
import * as refunds from './refunds.js';
import * as mail from './mail.js';
import * as webhooks from './webhooks.js';
import * as kpis from './kpis.js';
import * as system from './system.js';
import * as audit from './audit.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');

// Hash routes; the first match wins. `section` lights up the navigation.
const routes = [
  { pattern: /^\/orders\/([0-9a-fA-F-]{36})$/, section: 'orders', view: order, params: (m) => ({ id: m[1] }) },
  { pattern: /^\/orders\/?$/, section: 'orders', view: orders },
  { pattern: /^\/payments\/?$/, section: 'payments', view: payments },
  { pattern: /^\/refunds\/?(\?.*)?$/, section: 'refunds', view: refunds },
  { pattern: /^\/mail\/?$/, section: 'mail', view: mail },
  { pattern: /^\/webhooks\/?$/, section: 'webhooks', view: webhooks },
  { pattern: /^\/kpis\/?$/, section: 'kpis', view: kpis },
  { pattern: /^\/system\/?$/, section: 'system', view: system },
  { pattern: /^\/audit\/?$/, section: 'audit', view: audit },
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
  if (!session.signedIn()) {
    // A reload keeps the cookie but not the page's memory: ask who we are.
    const resumed = await resume().catch(() => null);
    if (!resumed) return showSignIn();
  }
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
    if (!session.signedIn()) return; // a 401: sign-in is showing
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
  const formId = uid('sign-in');
  const error = h('p', { class: 'error', role: 'alert', id: `${formId}-error`, hidden: !message }, message);
  const field = (label, attributes) => {
    const id = uid(attributes.name);
    const input = h('input', { id, required: true, 'aria-describedby': `${formId}-error`, ...attributes });
    return { input, row: h('div', { class: 'field' }, h('label', { for: id }, label), input) };
  };
  const email = field('Email', { name: 'email', type: 'email', autocomplete: 'username' });
  const password = field('Password', { name: 'password', type: 'password', autocomplete: 'current-password' });
  const code = field('Authentication code', {
    name: 'code',
    type: 'text',
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
  });
  const inputs = [email.input, password.input, code.input];
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'sign-in', novalidate: true }, email.row, password.row, code.row, error, button);
  const complain = (text, input) => {
    error.textContent = text;
    error.hidden = false;
    for (const each of inputs) each.removeAttribute('aria-invalid');
    if (input) input.setAttribute('aria-invalid', 'true');
    (input || inputs[0]).focus();
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const missing = inputs.find((input) => !input.value.trim());
    if (missing) return complain('Enter your email, password and the code from your authenticator app.', missing);
    button.disabled = true;
    try {
      await signIn(email.input.value.trim(), password.input.value, code.input.value.trim());
      password.input.value = '';
      code.input.value = '';
      announce('Signed in.');
      await render();
    } catch (failure) {
      password.input.value = '';
      code.input.value = '';
      if (failure.status === 401) complain('That email, password or code is not right. Check them and try again.', password.input);
      else if (failure.status === 429) complain('Too many attempts. Wait a minute, then try again.', null);
      else complain(adminSentence(failure), null);
    } finally {
      button.disabled = false;
    }
  });
  fill(
    main,
    h('h1', { tabindex: '-1' }, 'Sign in'),
    h(
      'p',
      {},
      'Sign in with your admin account and the six-digit code from your authenticator app (or one of your recovery codes). ',
      'An operator creates accounts with ',
      h('code', {}, 'order_engine admin add'),
      '.',
    ),
    form,
  );
  email.input.focus();
}

onUnauthorized(() => {
  session.clear();
  renderCount++;
  showSignIn('Your session has ended. Sign in again.');
});

signOutButton.addEventListener('click', async () => {
  await signOut().catch(() => {});
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
