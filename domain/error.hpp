#pragma once

#include <string>
#include <utility>

#include "domain/expected.hpp"

namespace domain {

/// Stable codes; `http/` maps each to one problem+json type and status.
enum class error_code : unsigned char {
  validation = 1,        // 422, names the field
  out_of_stock,          // 422, names the item
  not_found,             // 404
  invalid_transition,    // 409
  quote_expired,         // 409: a payment after the quote's expiry (an exception for the admin)
  idempotency_conflict,  // 422
  conflict,              // 409: a concurrent writer won, retry
  duplicate_payment,     // 409: the transaction was counted already (another order, an exception)
  unavailable,           // 503: a dependency (database) is down
  internal,              // 500
  invalid_credentials,   // 401: a sign-in that failed, without saying which part was wrong
  money_owed,            // 409: erasure refused until the order's money is settled
};

const char* to_string(error_code) noexcept;

struct domain_error {
  error_code code = error_code::internal;
  std::string field;   // "items[0].quantity"; empty when the error is not about one field
  std::string detail;  // a sentence for a person
};

inline domain_error make_error(error_code code, std::string detail, std::string field = {}) {
  return domain_error{code, std::move(field), std::move(detail)};
}

/// A value or a domain_error.
template <class T>
using result = expected<T, domain_error>;

}  // namespace domain
