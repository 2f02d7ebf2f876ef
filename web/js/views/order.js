// The order's own page (/orders/{id}?token=…), reached after "Place order" and
// from the emails' links: payment instructions while pending, then status,
// history, the refund the shop owes (and the address for it), tracking, cancel,
// review and the request to erase the customer's
// personal data. It polls the engine and updates only
// the parts that changed, so focus and typed text survive an update. One file
// on purpose, past 600 lines: the update logic must see every part of the page
// it patches, and a part split away would need the same state handed back to it.

import { apiRequest, serverNow } from '../../shared/api.js';
import { h, hiddenText, uid, replaceKeepingFocus } from '../../shared/dom.js';
import { atomicToDecimal, formatCents, splitDisplayAmount } from '../../shared/money.js';
import { customerSentence } from '../../shared/problems.js';
import { countdown, dateTime, calendarDate, statusWords, timelineStatusWords } from '../format.js';
import { pageTitle } from '../page.js';
import { toast } from '../ui/toast.js';

const POLL_MS = 3000;
const FINAL = new Set(['cancelled', 'delivered']);
const NOT_FOUND = 'We could not find this order. Open the whole link from your confirmation email; '
  + 'the part after "token=" is needed.';

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Outside a secure context there is no clipboard API: copy through a selection.
    const area = h('textarea', { class: 'visually-hidden', readonly: true }, text);
    document.body.append(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    if (!done) {
      toast(`Could not copy. Select the ${what} and copy it by hand.`);
      return;
    }
  }
  toast(`${what[0].toUpperCase()}${what.slice(1)} copied.`);
}

function copyButton(label, key, text, what) {
  return h('button', {
    type: 'button',
    class: 'button button--small',
    'data-key': key,
    onClick: () => copyText(text, what),
  }, label);
}

/** Pending, quote over, nothing received: the only case a new quote is given. */
function quoteExpired(order) {
  const p = order.payment;
  if (!p || order.status !== 'pending') return false;
  return serverNow() >= Date.parse(p.expires_at);
}

function canRequote(order) {
  const p = order.payment;
  return quoteExpired(order) && p.state === 'awaiting' && (p.received_atomic ?? '0') === '0';
}

export async function showOrder(main, { params, query, isCurrent }) {
  const orderId = params[0];
  const token = query.get('token') ?? '';
  let order = null;
  let methods = []; // for the coin's name; the code alone will do without it
  let firstQuoteExpiry = null;
  let erasureRequestedAt = null; // set by a 202 to "Ask to erase my data": no second offer on this page
  let stopped = false;
  let pollTimer = 0;
  let tickTimer = 0;
  const slots = {};
  const keys = {};

  pageTitle('Your order');
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading your order…'));

  const request = (path, options = {}) => apiRequest(`/api/orders/${encodeURIComponent(orderId)}${path}`, { token, ...options });

  function coinName(code) {
    const method = Array.isArray(methods) ? methods.find((m) => m.code === code) : undefined;
    return method ? `${method.name} (${code})` : code;
  }

  // ---- sections ---------------------------------------------------------------

  function paymentSection(o) {
    const p = o.payment;
    if (!p) return h('div');
    if (o.status === 'cancelled') {
      return h('section', { class: 'panel panel--muted', 'aria-labelledby': 'cancelled-title' },
        h('h2', { id: 'cancelled-title' }, 'This order was cancelled'),
        o.cancel_reason ? h('p', {}, `Reason: ${o.cancel_reason}`) : null,
        p.received_atomic && p.received_atomic !== '0'
          ? h('p', {}, `We received ${atomicToDecimal(p.received_atomic, p.decimals)} ${p.method} for it; `
            + 'we will return it (see Your refund).')
          : null);
    }
    if (o.status !== 'pending') {
      const display = splitDisplayAmount(p.amount_display);
      return h('section', { class: 'panel', 'aria-labelledby': 'payment-title' },
        h('h2', { id: 'payment-title' }, 'Payment'),
        h('p', {}, `Received ${atomicToDecimal(p.received_atomic ?? p.amount_atomic, p.decimals, { minDecimals: display.decimals })} ${p.method}`,
          p.paid_at ? ` on ${dateTime(p.paid_at)}` : '', '. Thank you!'),
        p.refund_due_atomic && p.refund_due_atomic !== '0'
          ? h('p', {}, `You sent ${atomicToDecimal(p.refund_due_atomic, p.decimals, { minDecimals: display.decimals })} ${p.method} more `
            + 'than the quote; we will return it (see Your refund).')
          : null);
    }
    return pendingPayment(o);
  }

  function pendingPayment(o) {
    const p = o.payment;
    const display = splitDisplayAmount(p.amount_display);
    const expired = quoteExpired(o);

    if (canRequote(o)) {
      const message = h('p', { class: 'field-error', role: 'alert', hidden: true });
      const button = h('button', { type: 'button', class: 'button button--primary', 'data-key': 'requote' },
        'Get a new quote');
      button.addEventListener('click', async () => {
        button.disabled = true;
        message.hidden = true;
        try {
          update(await request('/requote', { method: 'POST' }));
          slots.payment.querySelector('[data-key="copy-amount"]')?.focus();
          toast('New quote ready. Send the new amount within the time shown.');
        } catch (error) {
          message.textContent = `We could not get a new quote. ${customerSentence(error, { notFound: NOT_FOUND })}`;
          message.hidden = false;
          button.disabled = false;
          poll();
        }
      });
      return h('section', { class: 'panel panel--warning', 'aria-labelledby': 'payment-title' },
        h('h2', { id: 'payment-title' }, 'The quote has expired'),
        h('p', {}, `The amount of ${p.amount_display} was valid until ${dateTime(p.expires_at)}. `
          + 'Crypto prices move, so please do not send it any more.'),
        h('p', {}, 'Get a new quote at today\'s rate, then pay within the time shown.'),
        button,
        message);
    }

    const stillDue = p.state === 'underpaid' && p.still_due_atomic
      ? atomicToDecimal(p.still_due_atomic, p.decimals, { minDecimals: display.decimals })
      : null;
    const toSend = stillDue ?? display.number;

    let intro;
    if (p.state === 'detected') {
      intro = `We see your payment. It counts once it has ${p.confirmations_required} confirmations `
        + `(now ${p.confirmations ?? 0}).`;
    } else if (p.state === 'underpaid') {
      intro = `We received ${atomicToDecimal(p.received_atomic, p.decimals, { minDecimals: display.decimals })} ${p.method}. `
        + `Please send the remaining ${stillDue} ${p.method} to the same address.`;
    } else {
      intro = 'Send exactly this amount to the address below. This page updates by itself when the payment arrives.';
    }
    // The browser keeps an image per URL for the life of the page, so a new
    // quote's code needs a URL of its own.
    const qrSrc = `/api/orders/${encodeURIComponent(o.id)}/payment-qr.svg?token=${encodeURIComponent(token)}`
      + (p.expires_at === firstQuoteExpiry ? '' : `&quote=${encodeURIComponent(p.expires_at)}`);

    return h('section', { class: 'panel payment', 'aria-labelledby': 'payment-title' },
      h('h2', { id: 'payment-title' }, `Pay with ${coinName(p.method)}`),
      h('p', { class: 'payment__intro' }, intro),
      h('div', { class: 'payment__grid' },
        h('dl', { class: 'payment__details' },
          h('div', { class: 'payment__row' },
            h('dt', {}, 'Amount'),
            h('dd', {},
              h('span', { class: 'amount' }, p.amount_display),
              stillDue ? null : copyButton('Copy amount', 'copy-amount', toSend, 'amount'))),
          stillDue
            ? h('div', { class: 'payment__row' },
              h('dt', {}, 'Still due'),
              h('dd', {},
                h('span', { class: 'amount' }, `${stillDue} ${p.method}`),
                copyButton('Copy amount', 'copy-amount', toSend, 'amount')))
            : null,
          h('div', { class: 'payment__row' },
            h('dt', {}, 'Address'),
            h('dd', {},
              h('code', { class: 'address' }, p.address),
              copyButton('Copy address', 'copy-address', p.address, 'address'))),
          p.memo
            ? h('div', { class: 'payment__row' },
              h('dt', {}, 'Memo'),
              h('dd', {},
                h('code', { class: 'memo' }, p.memo),
                copyButton('Copy memo', 'copy-memo', p.memo, 'memo'),
                h('p', { class: 'hint' }, 'Add it as the payment\'s description or memo so we can match it.')))
            : null,
          h('div', { class: 'payment__row' },
            h('dt', {}, expired ? 'Quote' : 'Quote valid for'),
            h('dd', {},
              expired
                ? 'expired; we are still counting the payment you sent'
                : h('span', { class: 'countdown', role: 'timer', 'data-countdown': p.expires_at },
                  countdown(Date.parse(p.expires_at) - serverNow())),
              expired ? null : h('span', { class: 'hint' }, ` (until ${dateTime(p.expires_at)})`)))),
        // The code and the link ask for the whole quote: once a payment has
        // been seen they would make the customer pay twice, so they go.
        p.state !== 'awaiting'
          ? null
          : h('figure', { class: 'qr' },
            h('img', { src: qrSrc, alt: 'QR code', width: 220, height: 220 }),
            h('figcaption', {}, 'Scan with your wallet app, or ',
              h('a', { href: p.uri, 'data-key': 'wallet-link' }, 'open it in your wallet'), '.'))),
      claimForm());
  }

  function claimForm() {
    const inputId = uid('claim');
    const message = h('p', { class: 'form-status', role: 'status' });
    const input = h('input', { id: inputId, name: 'tx_id', autocomplete: 'off', spellcheck: 'false', 'data-key': 'claim-tx' });
    const form = h('form', { class: 'claim-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: inputId }, 'Transaction ID'), input),
      h('button', { type: 'submit', class: 'button', 'data-key': 'claim-send' }, 'Send transaction ID'),
      message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const txId = input.value.trim();
      if (!txId) {
        message.textContent = 'Transaction ID: paste the ID your wallet shows for the payment.';
        input.focus();
        return;
      }
      message.textContent = 'Sending…';
      try {
        update(await request('/payment-claim', { method: 'POST', body: { tx_id: txId } }));
        message.textContent = 'Thank you. We will look for this transaction.';
      } catch (error) {
        message.textContent = customerSentence(error, { notFound: NOT_FOUND });
      }
    });
    return h('details', { class: 'claim' },
      h('summary', { 'data-key': 'claim-summary' }, 'Already paid? Tell us the transaction ID'),
      form);
  }

  // What the shop owes back (overpaid, or paid and cancelled): the customer
  // says where it goes; the shop sends it by hand and records the transaction.
  function refundSection(o) {
    const r = o.refund;
    if (!r) return h('div');
    const p = o.payment ?? {};
    const coin = (atomic) => `${atomicToDecimal(atomic ?? '0', p.decimals)} ${p.method}`;
    const owed = r.outstanding_atomic && r.outstanding_atomic !== '0';
    const facts = h('dl', { class: 'facts' },
      h('div', {}, h('dt', {}, 'Refund due'), h('dd', { 'data-key': 'refund-due' }, coin(r.due_atomic))),
      r.refunded_atomic !== '0'
        ? h('div', {}, h('dt', {}, 'Sent to you'), h('dd', { 'data-key': 'refund-sent' }, coin(r.refunded_atomic)))
        : null,
      r.address
        ? h('div', {}, h('dt', {}, 'To the address'), h('dd', {}, h('code', { class: 'address', 'data-key': 'refund-address' }, r.address)))
        : null,
      r.txid
        ? h('div', {}, h('dt', {}, 'Transaction'), h('dd', {}, h('code', { class: 'address', 'data-key': 'refund-txid' }, r.txid)))
        : null);
    let intro;
    if (r.state === 'refunded') intro = 'We have sent your refund.';
    else if (r.state === 'requested') intro = `We will send ${coin(r.outstanding_atomic)} to the address below by hand and email you the transaction.`;
    else intro = `We owe you ${coin(r.outstanding_atomic)}. Tell us a ${p.method} address of yours to send it to.`;
    const canGive = owed && !o.customer_erased;
    return h('section', { class: `panel${r.state === 'due' ? ' panel--warning' : ''}`, 'aria-labelledby': 'refund-title', 'data-refund-state': r.state },
      h('h2', { id: 'refund-title', tabindex: -1 }, r.state === 'refunded' ? 'Refund sent' : 'Your refund'),
      h('p', {}, intro),
      facts,
      canGive ? refundAddressForm(r, p.method) : null);
  }

  function refundAddressForm(r, method) {
    const inputId = uid('refund-address');
    const errorId = `${inputId}-error`;
    const error = h('p', { class: 'field-error', id: errorId, role: 'alert', hidden: true });
    const input = h('input', {
      id: inputId, name: 'address', autocomplete: 'off', spellcheck: 'false', 'data-key': 'refund-address-input',
      'aria-describedby': errorId,
    });
    const button = h('button', { type: 'submit', class: 'button button--primary', 'data-key': 'refund-address-send' },
      r.address ? 'Change the address' : 'Send refund address');
    const form = h('form', { class: 'refund-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: inputId }, `Your ${method} address for the refund`), input, error),
      button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.hidden = true;
      input.removeAttribute('aria-invalid');
      const address = input.value.trim();
      if (!address) {
        error.textContent = `Enter a ${method} address of yours.`;
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      button.disabled = true;
      try {
        update(await request('/refund-address', { method: 'POST', body: { address } }));
        document.getElementById('refund-title')?.focus();
        toast('Thank you. We will send the refund to this address.');
      } catch (failure) {
        error.textContent = customerSentence(failure, { notFound: NOT_FOUND });
        error.hidden = false;
        if (failure.field === 'address') input.setAttribute('aria-invalid', 'true');
        input.focus();
        button.disabled = false;
      }
    });
    return form;
  }

  function shipmentSection(o) {
    const s = o.shipment;
    if (!s) return h('div');
    return h('section', { class: 'panel', 'aria-labelledby': 'shipment-title' },
      h('h2', { id: 'shipment-title' }, 'Shipment'),
      h('dl', { class: 'facts' },
        h('div', {}, h('dt', {}, 'Carrier'), h('dd', {}, s.carrier)),
        h('div', {}, h('dt', {}, 'Tracking number'),
          h('dd', {}, s.tracking_url
            ? h('a', { href: s.tracking_url, target: '_blank', rel: 'noopener noreferrer', 'data-key': 'tracking' },
              s.tracking_number, hiddenText(` (track with ${s.carrier}, opens a new tab)`))
            : s.tracking_number)),
        s.estimated_delivery
          ? h('div', {}, h('dt', {}, 'Estimated delivery'), h('dd', {}, calendarDate(s.estimated_delivery)))
          : null));
  }

  function itemsSection(o) {
    return h('section', { class: 'panel', 'aria-labelledby': 'items-title' },
      h('h2', { id: 'items-title' }, 'Items'),
      h('table', { class: 'items' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Product'),
          h('th', { scope: 'col', class: 'number' }, 'Quantity'),
          h('th', { scope: 'col', class: 'number' }, 'Price'))),
        h('tbody', {}, (o.items ?? []).map((item) => h('tr', {},
          h('td', {}, item.name),
          h('td', { class: 'number' }, String(item.quantity)),
          h('td', { class: 'number' }, formatCents(item.line_total_cents))))),
        h('tfoot', {},
          h('tr', {}, h('th', { scope: 'row', colspan: 2 }, 'Subtotal'), h('td', { class: 'number' }, formatCents(o.subtotal_cents))),
          h('tr', {}, h('th', { scope: 'row', colspan: 2 }, 'Shipping'),
            h('td', { class: 'number' }, o.shipping_cents ? formatCents(o.shipping_cents) : 'Free')),
          h('tr', { class: 'items__total' }, h('th', { scope: 'row', colspan: 2 }, 'Total'),
            h('td', { class: 'number' }, formatCents(o.total_cents))))));
  }

  function timelineSection(o) {
    return h('section', { class: 'panel', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'History'),
      h('ol', { class: 'timeline' }, (o.timeline ?? []).map((entry) => h('li', { class: `timeline__entry timeline__entry--${entry.status}` },
        h('time', { datetime: entry.at }, dateTime(entry.at)),
        h('span', { class: 'timeline__note' }, entry.note || timelineStatusWords(entry.status))))));
  }

  function cancelSection(o) {
    if (o.status !== 'pending') return h('div');
    const message = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const reasonId = uid('reason');
    const reason = h('input', { id: reasonId, name: 'reason', maxlength: 500, 'data-key': 'cancel-reason' });
    const confirmBox = h('div', { class: 'confirm', hidden: true },
      h('p', {}, 'Cancel this order? This cannot be undone.'),
      o.payment?.received_atomic && o.payment.received_atomic !== '0'
        ? h('p', { class: 'notice' }, 'Part of your payment has already arrived; we will contact you about returning it.')
        : null,
      h('div', { class: 'field' }, h('label', { for: reasonId }, 'Reason (optional)'), reason),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'button button--danger', 'data-key': 'cancel-confirm', onClick: confirm },
          'Yes, cancel the order'),
        h('button', { type: 'button', class: 'button button--quiet', 'data-key': 'cancel-keep', onClick: keep },
          'Keep the order')));
    const open = h('button', { type: 'button', class: 'button button--quiet', 'data-key': 'cancel-open' }, 'Cancel order');
    open.addEventListener('click', () => {
      open.hidden = true;
      confirmBox.hidden = false;
      reason.focus();
    });
    function keep() {
      confirmBox.hidden = true;
      open.hidden = false;
      open.focus();
    }
    async function confirm(event) {
      const button = event.currentTarget;
      button.disabled = true;
      message.hidden = true;
      const text = reason.value.trim();
      try {
        update(await request('/cancel', { method: 'POST', body: text ? { reason: text } : {} }));
        document.getElementById('order-title')?.focus();
        toast('Your order is cancelled.');
      } catch (error) {
        message.textContent = `We could not cancel the order. ${customerSentence(error, { notFound: NOT_FOUND })}`;
        message.hidden = false;
        button.disabled = false;
        poll();
      }
    }
    return h('section', { class: 'panel panel--quiet', 'aria-labelledby': 'cancel-title' },
      h('h2', { id: 'cancel-title' }, 'Changed your mind?'),
      h('p', {}, 'You can cancel while the order is waiting for payment.'),
      open, confirmBox, message);
  }

  function reviewSection(o) {
    if (o.status !== 'delivered') return h('div', { id: 'review' });
    // After erasure there is nobody to write a review as.
    if (o.customer_erased && !o.review) return h('div', { id: 'review' });
    if (o.review) {
      return h('section', { class: 'panel', id: 'review', 'aria-labelledby': 'review-title', tabindex: -1 },
        h('h2', { id: 'review-title' }, 'Your review'),
        h('p', { class: 'stars', 'aria-label': `Rated ${o.review.rating} out of 5` },
          '★'.repeat(o.review.rating) + '☆'.repeat(Math.max(0, 5 - o.review.rating))),
        o.review.text ? h('blockquote', {}, o.review.text) : null,
        h('p', {}, 'Thank you for your review!'));
    }
    const legendId = uid('legend');
    const ratingErrorId = uid('error');
    const textId = uid('review-text');
    const ratingError = h('p', { class: 'field-error', id: ratingErrorId, hidden: true });
    const message = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const rating = h('fieldset', { class: 'rating', role: 'radiogroup', 'aria-labelledby': legendId },
      h('legend', { id: legendId }, 'Rating'),
      [1, 2, 3, 4, 5].map((n) => {
        const id = uid('rating');
        return h('span', { class: 'rating__option' },
          h('input', { type: 'radio', name: 'rating', value: n, id, 'data-key': `rating-${n}` }),
          h('label', { for: id }, n === 1 ? '1 star' : `${n} stars`));
      }),
      ratingError);
    const text = h('textarea', { id: textId, name: 'text', rows: 4, maxlength: 2000, 'data-key': 'review-text' });
    const send = h('button', { type: 'submit', class: 'button button--primary', 'data-key': 'review-send' }, 'Send review');
    const form = h('form', { class: 'review-form', novalidate: true },
      rating,
      h('div', { class: 'field' }, h('label', { for: textId }, 'Your review'), text),
      send, message);
    rating.addEventListener('change', () => {
      ratingError.hidden = true;
      rating.removeAttribute('aria-invalid');
      rating.removeAttribute('aria-describedby');
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.hidden = true;
      const chosen = form.querySelector('input[name="rating"]:checked');
      if (!chosen) {
        ratingError.textContent = 'Rating: choose from 1 to 5 stars.';
        ratingError.hidden = false;
        rating.setAttribute('aria-invalid', 'true');
        rating.setAttribute('aria-describedby', ratingErrorId);
        rating.querySelector('input')?.focus();
        return;
      }
      send.disabled = true;
      try {
        update(await request('/review', { method: 'POST', body: { rating: Number(chosen.value), text: text.value.trim() } }));
        slots.review?.focus();
      } catch (error) {
        message.textContent = `We could not save your review. ${customerSentence(error, { notFound: NOT_FOUND })}`;
        message.hidden = false;
        send.disabled = false;
      }
    });
    return h('section', { class: 'panel', id: 'review', 'aria-labelledby': 'review-title', tabindex: -1 },
      h('h2', { id: 'review-title' }, 'How was your order?'),
      h('p', {}, 'Tell other customers what you thought.'),
      form);
  }

  function privacySection(o) {
    if (o.customer_erased) {
      return h('section', { class: 'panel panel--muted', id: 'privacy', 'aria-labelledby': 'privacy-title', tabindex: -1 },
        h('h2', { id: 'privacy-title' }, 'Your personal data'),
        h('p', {}, 'Your personal data for this order has been erased: your name, email, address and what you '
          + 'wrote can no longer be read by anyone.'),
        h('p', {}, 'The order itself (items, amounts, dates) stays in the shop\'s books.'));
    }
    if (erasureRequestedAt) {
      return h('section', { class: 'panel panel--quiet', id: 'privacy', 'aria-labelledby': 'privacy-title', tabindex: -1 },
        h('h2', { id: 'privacy-title' }, 'Your personal data'),
        h('p', { role: 'status' }, 'Your request has been sent to the shop. ',
          `We received it on ${dateTime(erasureRequestedAt)} and will erase your personal data; `
          + 'if money is still owed either way on this order, we settle that first. '
          + 'This page will then say that your data is erased.'));
    }
    const message = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const questionId = uid('erasure-question');
    const confirmBox = h('div', { class: 'confirm', hidden: true },
      h('p', { id: questionId }, 'Ask the shop to erase your name, email, address and what you wrote? Once erased '
        + 'they cannot be read again, and we can no longer email you about this order.'),
      h('div', { class: 'button-row' },
        h('button', {
          type: 'button', class: 'button button--danger', 'data-key': 'erasure-confirm', 'aria-describedby': questionId,
          onClick: confirm,
        }, 'Yes, ask to erase my data'),
        h('button', { type: 'button', class: 'button button--quiet', 'data-key': 'erasure-keep', onClick: keep },
          'Keep my data')));
    const open = h('button', { type: 'button', class: 'button button--quiet', 'data-key': 'erasure-open' },
      'Ask to erase my data');
    open.addEventListener('click', () => {
      open.hidden = true;
      message.hidden = true;
      confirmBox.hidden = false;
      confirmBox.querySelector('[data-key="erasure-confirm"]').focus();
    });
    function keep() {
      confirmBox.hidden = true;
      open.hidden = false;
      open.focus();
    }
    async function confirm(event) {
      const button = event.currentTarget;
      button.disabled = true;
      message.hidden = true;
      try {
        const answer = await request('/erasure-request', { method: 'POST' });
        erasureRequestedAt = answer?.requested_at ?? new Date(serverNow()).toISOString();
        keys.privacy = privacyKey(order);
        slots.privacy = replaceKeepingFocus(slots.privacy, privacySection(order));
        slots.privacy.focus();
      } catch (error) {
        message.textContent = `We could not send your request. ${customerSentence(error, { notFound: NOT_FOUND })}`;
        message.hidden = false;
        button.disabled = false;
      }
    }
    return h('section', { class: 'panel panel--quiet', id: 'privacy', 'aria-labelledby': 'privacy-title', tabindex: -1 },
      h('h2', { id: 'privacy-title' }, 'Your personal data'),
      h('p', {}, 'You can ask the shop to erase your name, email, address and what you wrote. The order itself '
        + 'stays in the shop\'s books without them. ', h('a', { href: '/privacy' }, 'How we handle your data'), '.'),
      open, confirmBox, message);
  }

  // ---- rendering --------------------------------------------------------------

  function privacyKey(o) {
    return JSON.stringify([o.customer_erased === true, erasureRequestedAt]);
  }

  function paymentKey(o) {
    return JSON.stringify([o.status, o.payment, o.cancel_reason, quoteExpired(o), canRequote(o)]);
  }

  // Each section is rebuilt only when the data it shows changed.
  const sections = [
    ['payment', paymentKey, paymentSection],
    ['refund', (o) => JSON.stringify([o.refund ?? null, o.customer_erased === true]), refundSection],
    ['shipment', (o) => JSON.stringify(o.shipment ?? null), shipmentSection],
    ['review', (o) => JSON.stringify([o.status, o.review ?? null, o.customer_erased === true]), reviewSection],
    ['items', (o) => JSON.stringify([o.items, o.total_cents]), itemsSection],
    ['timeline', (o) => JSON.stringify(o.timeline ?? []), timelineSection],
    ['cancel', (o) => JSON.stringify([o.status, o.payment?.received_atomic ?? null]), cancelSection],
    ['privacy', privacyKey, privacySection],
  ];

  let statusLine;

  function firstRender(o) {
    pageTitle(`Order ${o.number}`);
    statusLine = h('strong', { class: `status status--${o.status}` }, statusWords(o));
    for (const [name, key, build] of sections) {
      keys[name] = key(o);
      slots[name] = build(o);
    }
    main.replaceChildren(
      h('div', { class: 'order-header' },
        h('h1', { id: 'order-title', tabindex: -1 }, `Order ${o.number}`),
        h('p', { class: 'order-meta' }, `Placed ${dateTime(o.created_at)} · Total ${formatCents(o.total_cents)}`),
        h('p', { class: 'order-status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' },
          'Status: ', statusLine)),
      h('div', { class: 'order-layout' },
        h('div', { class: 'order-main' }, slots.payment, slots.refund, slots.shipment, slots.review, slots.items),
        h('div', { class: 'order-side' }, slots.timeline, slots.cancel, slots.privacy)));
  }

  function update(fresh) {
    if (!fresh || !fresh.id) return;
    // A slow poll must not undo a newer answer (cancel, requote) shown already.
    if (order && Date.parse(fresh.updated_at) < Date.parse(order.updated_at)) return;
    order = fresh;
    const words = statusWords(fresh);
    if (statusLine.textContent !== words) statusLine.textContent = words;
    statusLine.className = `status status--${fresh.status}`;
    for (const [name, key, build] of sections) {
      const k = key(fresh);
      if (k === keys[name]) continue;
      keys[name] = k;
      slots[name] = replaceKeepingFocus(slots[name], build(fresh));
    }
  }

  // ---- polling and the countdown ----------------------------------------------

  async function poll() {
    clearTimeout(pollTimer);
    if (stopped) return;
    if (!document.hidden) {
      try {
        update(await request(''));
      } catch {
        // A missed poll is retried; the page keeps what it showed.
      }
    }
    if (!stopped && !FINAL.has(order?.status)) pollTimer = setTimeout(poll, POLL_MS);
  }

  function tick() {
    for (const el of main.querySelectorAll('[data-countdown]')) {
      el.textContent = countdown(Date.parse(el.dataset.countdown) - serverNow());
    }
    // The quote ran out on screen: show "Get a new quote" without waiting for a poll.
    if (order) {
      const key = paymentKey(order);
      if (key !== keys.payment) {
        keys.payment = key;
        slots.payment = replaceKeepingFocus(slots.payment, paymentSection(order));
      }
    }
  }

  function onVisible() {
    if (!document.hidden) poll();
  }

  const cleanup = () => {
    stopped = true;
    clearTimeout(pollTimer);
    clearInterval(tickTimer);
    document.removeEventListener('visibilitychange', onVisible);
  };

  if (!token) {
    pageTitle('Order not found');
    main.replaceChildren(h('h1', { tabindex: -1 }, 'Order not found'), h('p', {}, NOT_FOUND));
    return cleanup;
  }
  try {
    [order, methods] = await Promise.all([request(''), apiRequest('/api/payment-methods').catch(() => [])]);
  } catch (error) {
    if (!isCurrent()) return cleanup;
    pageTitle('Order not found');
    main.replaceChildren(
      h('h1', { tabindex: -1 }, error.type === 'not_found' ? 'Order not found' : 'Your order'),
      h('p', { class: 'notice notice--error', role: 'alert' }, customerSentence(error, { notFound: NOT_FOUND })),
      error.type === 'not_found' ? null : h('p', {}, h('a', { href: location.pathname + location.search }, 'Try again')));
    return cleanup;
  }
  if (!isCurrent()) return cleanup;
  firstQuoteExpiry = order.payment?.expires_at ?? null;
  firstRender(order);
  if (location.hash === '#review' && slots.review?.tagName === 'SECTION') {
    slots.review.scrollIntoView();
    slots.review.focus();
  }
  tickTimer = setInterval(tick, 1000);
  document.addEventListener('visibilitychange', onVisible);
  if (!FINAL.has(order.status)) pollTimer = setTimeout(poll, POLL_MS);
  return cleanup;
}
