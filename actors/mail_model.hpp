#pragma once

// The data an email template receives (config/templates/README.md), built at
// sending time from the order's read model and the customer's row: personal
// data is read for rendering only, never stored with the message.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "persistence/rows.hpp"

namespace actors {

struct mail_context {
  config::shop_config shop;
  config::duration processing_time;
  std::string access_token;  // of this order, for the links
};

nlohmann::json mail_data(const persistence::order_row& order, const persistence::customer_row& customer,
                         const nlohmann::json& outbox_payload, const mail_context& context);

}  // namespace actors
