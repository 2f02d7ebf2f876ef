#include "domain/error.hpp"

namespace domain {

const char* to_string(error_code c) noexcept {
  switch (c) {
    case error_code::validation:
      return "validation";
    case error_code::out_of_stock:
      return "out_of_stock";
    case error_code::not_found:
      return "not_found";
    case error_code::invalid_transition:
      return "invalid_transition";
    case error_code::quote_expired:
      return "quote_expired";
    case error_code::idempotency_conflict:
      return "idempotency_conflict";
    case error_code::conflict:
      return "conflict";
    case error_code::duplicate_payment:
      return "duplicate_payment";
    case error_code::money_owed:
      return "money_owed";
    case error_code::unavailable:
      return "unavailable";
    case error_code::internal:
      return "internal";
    case error_code::invalid_credentials:
      return "invalid_credentials";
  }
  return "internal";
}

}  // namespace domain
