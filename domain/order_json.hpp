#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/checkout.hpp"
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

/// `refund: {state, address, address_by, due_atomic, refunded_atomic,
/// outstanding_atomic, txid, refunds}` of customer_view; null when no refund
/// was ever due. `txid` is the latest refund's.
nlohmann::json refund_view(const order& o);

/// JSON pointers into an event's payload (by its type) of text that a
/// customer or an admin wrote and that may name a person: the journal seals
/// them under the customer's key, so erasing the key erases them.
std::vector<std::string> personal_paths(std::string_view event_type);

/// The same, into customer_view(o).
std::vector<std::string> view_personal_paths(const order& o);

/// Every payment seen for the order (counted or awaiting confirmations), for
/// the admin's view: coin, txid, amount, confirmations, source and basis.
nlohmann::json payments_view(const order& o);

/// A shipping address as the admin's order view and an opted-in webhook show
/// it, and as the customers table stores it: {line1, line2, city, region,
/// postal_code, country}.
nlohmann::json shipping_json(const shipping_address& a);
/// A shipping address from that JSON text; nullopt when it is not an object.
std::optional<shipping_address> parse_shipping_json(std::string_view text);

}  // namespace domain
