#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/order.hpp"

namespace domain {

/// The event's data as stored in the journal's `payload` column (the type
/// goes in its own column). Amounts are decimal strings, times RFC 3339.
nlohmann::json encode_event(const order_event& event);

/// The inverse of encode_event; nullopt when the type is unknown or the
/// payload is not what that type stores.
std::optional<order_event> decode_event(std::string_view type, const nlohmann::json& payload);

/// The order as its customer sees it (docs/API.md `GET /api/orders/{id}`), also the
/// read model's `view` column.
nlohmann::json customer_view(const order& o);

/// Every payment seen for the order (counted or awaiting confirmations), for
/// the admin's view: coin, txid, amount, confirmations, source and basis.
nlohmann::json payments_view(const order& o);

}  // namespace domain
