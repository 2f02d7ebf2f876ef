// The privacy page (/privacy), for customers in plain words: what the shop
// keeps, why, how it is protected, for how long, and how to have it erased.
// docs/PRIVACY.md is its source: change the two together (the 365 days are the
// operator's privacy.retain_customer_data_for).

import { h } from '../../shared/dom.js';
import { pageTitle } from '../page.js';

function section(id, title, ...content) {
  return h('section', { class: 'panel prose', 'aria-labelledby': id },
    h('h2', { id }, title),
    content);
}

export function showPrivacy(main) {
  pageTitle('Privacy');
  main.replaceChildren(
    h('div', { class: 'privacy' },
      h('h1', { tabindex: -1 }, 'Privacy'),
      h('p', { class: 'lead' },
        'What we keep about you, why, how we protect it, how long we keep it, and how to have it erased.'),

      section('privacy-collect', 'What we collect',
        h('ul', {},
          h('li', {}, h('strong', {}, 'Your name, email and shipping address'),
            ', to send your order and to tell you about it by email.'),
          h('li', {}, h('strong', {}, 'Your order'),
            ': the items, the amounts and your payment (the coin, the amount and the transaction ID). '
            + 'We keep these for the shop\'s accounts.'),
          h('li', {}, h('strong', {}, 'What you write to us'),
            ': a review, the reason you give when you cancel, messages.'),
          h('li', {}, h('strong', {}, 'Anonymous daily counts'),
            ' of how the shop is used, such as how many checkouts were opened on a day. '
            + 'No cookies, no visitor ID, nothing about you. You can turn even this off with '
            + '"Opt out of anonymous analytics" at the bottom of every page; nothing is sent either when your '
            + 'browser asks sites not to track you (Do Not Track or Global Privacy Control).')),
        h('p', {}, 'We set no cookies. Your cart and your analytics choice stay in your own browser, and '
          + 'the checkout form keeps what you typed in that tab until the order is placed.')),

      section('privacy-why', 'Why',
        h('p', {}, 'Only to fulfil your order and to help you with it. We do not sell or share your data with '
          + 'anyone, except that the carrier who delivers the parcel gets your shipping address.')),

      section('privacy-protection', 'How it is protected',
        h('ul', {},
          h('li', {}, 'Your personal data is encrypted in our database, with a key of its own for each customer.'),
          h('li', {}, 'Payments are stored apart from who made them: our payment records hold the order and '
            + 'the transaction, not your name or address.'))),

      section('privacy-retention', 'How long we keep it',
        h('p', {}, 'We keep your personal data for ', h('strong', {}, '365 days'), ' after your order is closed, '
          + 'that is once it is delivered and the time to review it has passed, or once it is cancelled. '
          + 'Then it is destroyed automatically.'),
        h('p', {}, 'The order itself (items, amounts, dates) stays in the shop\'s books, without your name, '
          + 'email, address or what you wrote.')),

      section('privacy-erasure', 'Having your data erased',
        h('p', {}, 'You can ask us to erase your personal data at any time:'),
        h('ul', {},
          h('li', {}, 'on your order page (the link in your order confirmation email), with the button ',
            h('strong', {}, '"Ask to erase my data"'), ', or'),
          h('li', {}, 'by email to the shop\'s support address (it is in every email we send you); '
            + 'please give your order number.')),
        h('p', {}, 'Erasing destroys your key, so your name, email, address and what you wrote can never be '
          + 'read again, by anyone, us included. The order stays in the books without them.'),
        h('p', {}, 'If money is still owed either way on your order (a part payment you sent, or a refund we owe '
          + 'you), we settle that first, then erase.'))));
}
