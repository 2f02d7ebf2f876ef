#include "domain/follow_ups.hpp"

#include <algorithm>

#include "domain/overloaded.hpp"

namespace domain {

const char* to_string(email_kind k) noexcept {
  switch (k) {
    case email_kind::order_confirmation:
      return "order_confirmation";
    case email_kind::new_order_admin:
      return "new_order_admin";
    case email_kind::payment_received:
      return "payment_received";
    case email_kind::shipping:
      return "shipping";
    case email_kind::payment_reminder:
      return "payment_reminder";
    case email_kind::order_cancelled:
      return "order_cancelled";
    case email_kind::review_request:
      return "review_request";
    case email_kind::contact_customer:
      return "contact_customer";
    case email_kind::refund_due:
      return "refund_due";
    case email_kind::refund_address_received:
      return "refund_address_received";
    case email_kind::refund_sent:
      return "refund_sent";
  }
  return "unknown";
}

namespace {

class plan {
 public:
  void set(timer_kind kind, timestamp due) {
    clear(kind);
    cleared_.erase(std::remove(cleared_.begin(), cleared_.end(), kind), cleared_.end());
    out_.timers_set.push_back({kind, due});
  }
  void clear(timer_kind kind) {
    auto& set = out_.timers_set;
    set.erase(std::remove_if(set.begin(), set.end(), [&](const timer_set& t) { return t.kind == kind; }), set.end());
    if (std::find(cleared_.begin(), cleared_.end(), kind) == cleared_.end()) cleared_.push_back(kind);
  }
  void email(email_kind kind, std::string message = {}) { out_.emails.push_back({kind, std::move(message), {}}); }
  void refund_email(email_kind kind, refund_mail refund) { out_.emails.push_back({kind, {}, std::move(refund)}); }
  void exception(exception_owed e) { out_.exceptions.push_back(std::move(e)); }
  follow_ups result() && {
    out_.timers_cleared = std::move(cleared_);
    return std::move(out_);
  }

 private:
  follow_ups out_;
  std::vector<timer_kind> cleared_;
};

}  // namespace

std::optional<timestamp> closed_at(const order& o, const timer_policy& policy) {
  if (o.status == order_status::cancelled) return o.cancelled_at;
  if (o.status == order_status::delivered && o.delivered_at) return *o.delivered_at + policy.review_request_after;
  return std::nullopt;
}

follow_ups follow_ups_of(const std::vector<order_event>& events, const timer_policy& policy) {
  plan p;
  for (const auto& event : events) {
    std::visit(
        overloaded{
            [&](const order_placed& e) {
              p.set(timer_kind::payment_reminder, e.at + policy.payment_reminder_after);
              if (policy.cancel_unpaid_after.count() > 0)
                p.set(timer_kind::unpaid_expiry, e.at + policy.cancel_unpaid_after);
              p.email(email_kind::order_confirmation);
              p.email(email_kind::new_order_admin);
            },
            [&](const payment_received& e) {
              // Paid in part: the rest must come before the quote expires. A
              // payment_verified later in the same decision clears it again.
              if (e.received_total.value() > 0) p.set(timer_kind::quote_expiry, e.quote_expires_at);
            },
            [&](const payment_verified& e) {
              p.clear(timer_kind::payment_reminder);
              p.clear(timer_kind::unpaid_expiry);
              p.clear(timer_kind::quote_expiry);
              p.email(email_kind::payment_received);
              if (e.refund_due.value() > 0) p.refund_email(email_kind::refund_due, {e.refund_due, {}, {}, {}});
            },
            [&](const payment_reversed& e) {
              // Back to waiting: for the rest of a part payment still counted
              // (by the quote's expiry), and, for an order that was paid, for
              // payment at all (cancelled unpaid like a new order would be).
              if (e.received_total.value() > 0)
                p.set(timer_kind::quote_expiry, e.quote_expires_at);
              else
                p.clear(timer_kind::quote_expiry);
              if (e.was_paid) {
                if (policy.cancel_unpaid_after.count() > 0)
                  p.set(timer_kind::unpaid_expiry, e.at + policy.cancel_unpaid_after);
                p.email(email_kind::contact_customer, e.message);
              }
            },
            [&](const underpayment_expired& e) {
              p.clear(timer_kind::quote_expiry);
              p.email(email_kind::contact_customer, e.message);
              p.exception({e.coin, e.txid, "underpaid_expired", e.received});
            },
            [&](const order_shipped&) { p.email(email_kind::shipping); },
            [&](const order_delivered& e) { p.set(timer_kind::review_request, e.at + policy.review_request_after); },
            [&](const order_cancelled& e) {
              p.clear(timer_kind::payment_reminder);
              p.clear(timer_kind::unpaid_expiry);
              p.clear(timer_kind::quote_expiry);
              p.clear(timer_kind::review_request);
              p.email(email_kind::order_cancelled);
              if (e.refund_due.value() > 0) p.refund_email(email_kind::refund_due, {e.refund_due, {}, {}, {}});
            },
            [&](const refund_address_given& e) {
              p.refund_email(email_kind::refund_address_received, {{}, {}, {}, e.address});
            },
            [&](const refund_recorded& e) {
              p.refund_email(email_kind::refund_sent, {e.amount, e.still_due, e.txid, {}});
            },
            [&](const customer_contacted& e) { p.email(email_kind::contact_customer, e.message); },
            [&](const review_left&) { p.clear(timer_kind::review_request); },
            [&](const payment_reminder_sent&) {
              p.clear(timer_kind::payment_reminder);
              p.email(email_kind::payment_reminder);
            },
            [&](const review_requested&) {
              p.clear(timer_kind::review_request);
              p.email(email_kind::review_request);
            },
            [&](const personal_data_erased&) {
              // Nobody left to remind or to ask for a review.
              p.clear(timer_kind::payment_reminder);
              p.clear(timer_kind::review_request);
            },
            [](const auto&) {},
        },
        event);
  }
  return std::move(p).result();
}

}  // namespace domain
