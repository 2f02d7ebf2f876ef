#pragma once

// Request bodies -> domain inputs and commands (STYLE.md 6: request DTOs in
// one place). A body that is JSON but of the wrong shape is a domain
// `validation` error naming the field; malformed JSON is the caller's 400.

#include <nlohmann/json_fwd.hpp>

#include "domain/checkout.hpp"
#include "domain/error.hpp"
#include "domain/order.hpp"

namespace http::dto {

domain::result<domain::checkout_input> checkout(const nlohmann::json& body);

/// `POST /admin/api/orders/{id}/commands`: {"type": "ship", ...}
domain::result<domain::order_command> admin_command(const nlohmann::json& body);

domain::result<domain::order_command> customer_cancel(const nlohmann::json& body);
domain::result<domain::order_command> payment_claim(const nlohmann::json& body);
domain::result<domain::order_command> review(const nlohmann::json& body);
/// POST /api/orders/{id}/requote: no body needed; the engine fills in today's rate.
domain::result<domain::order_command> requote(const nlohmann::json& body);

}  // namespace http::dto
