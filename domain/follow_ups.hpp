#pragma once

// What an order owes the world after a decision: the timers it sets or makes
// moot, and the emails it must send. Derived from the decision's events, so
// that the journal writes them in the same transaction, so a timer or an email exists exactly when its decision
// committed.

#include <string>
#include <vector>

#include "domain/order.hpp"

namespace domain {

struct timer_policy {
  duration payment_reminder_after = std::chrono::hours{24};
  duration cancel_unpaid_after = std::chrono::hours{24 * 7};  // zero: never cancel for non-payment
  duration review_request_after = std::chrono::hours{24 * 7};
};

enum class email_kind {
  order_confirmation,  // customer
  new_order_admin,     // admin
  payment_received,    // customer
  shipping,            // customer
  payment_reminder,    // customer
  order_cancelled,     // customer
  review_request,      // customer
  contact_customer,    // customer: the admin's message
  refund_due,          // customer: the shop owes money back; where should it go?
  refund_address_received,  // customer: the refund address given, to be checked by its owner
  refund_sent,         // customer: a refund was sent (amount, txid, anything still due)
};
const char* to_string(email_kind) noexcept;

/// The refund an email is about (refund_* kinds only).
struct refund_mail {
  atomic_amount amount;     // refund_due: owed in total; refund_sent: this refund
  atomic_amount still_due;  // refund_sent: what remains owed after it
  std::string txid;         // refund_sent
  std::string address;      // refund_address_received: personal, sealed with the mail
};

struct email_owed {
  email_kind kind;
  std::string message;  // contact_customer only: the admin's words
  std::optional<refund_mail> refund;
};

struct timer_set {
  timer_kind kind;
  timestamp due;
};

/// A payment exception the order raises itself (paid in part, quote expired).
struct exception_owed {
  std::string coin, txid, reason;
  atomic_amount amount;
};

struct follow_ups {
  std::vector<timer_set> timers_set;
  std::vector<timer_kind> timers_cleared;
  std::vector<email_owed> emails;
  std::vector<exception_owed> exceptions;
};

/// When the order closed: delivered plus the review window (the time its
/// review request is due), or cancelled; nullopt while it is open. Retention
/// counts from here.
std::optional<timestamp> closed_at(const order& o, const timer_policy& policy);

/// In event order; a later event overrides an earlier one's timer change.
follow_ups follow_ups_of(const std::vector<order_event>& events, const timer_policy& policy);

}  // namespace domain
