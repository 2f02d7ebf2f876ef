#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/error.hpp"
#include "domain/payment.hpp"

namespace domain {

/// What the customer sent, already parsed from JSON but not yet validated.
struct checkout_item_input {
  std::string sku;
  std::int64_t quantity = 0;
};

struct customer_details {
  std::string name;
  std::string email;
};

struct shipping_address {
  std::string line1, line2, city, region, postal_code, country;
};

struct checkout_input {
  std::vector<checkout_item_input> items;
  customer_details customer;
  shipping_address shipping;
  std::string payment_method;
};

struct order_line {
  sku item;
  std::string name;
  quantity count;
  cents unit_price;
  cents line_total;
};

/// Shipping is free from `free_from`, otherwise `flat`.
struct shipping_policy {
  cents flat{599};
  cents free_from{5000};
};

struct priced_checkout {
  std::vector<order_line> lines;
  cents subtotal, shipping, total;
  const payment_method* method = nullptr;
};

constexpr int max_quantity = 99;
constexpr std::size_t max_lines = 50;

/// Validates the input and prices it from the catalog (never from the client).
/// The first problem found is returned with the offending field named,
/// e.g. "items[1].quantity" or "customer.email".
result<priced_checkout> price_checkout(const catalog& products, const std::vector<payment_method>& methods,
                                       const shipping_policy& shipping, const checkout_input& input);

bool is_plausible_email(std::string_view email);

/// Whether customer text (a name, an address line) holds something a mail client,
/// a browser or the dashboard could turn into a link: a scheme (`http:`, `https:`,
/// `ftp:`, `mailto:`, `javascript:`, `data:`, ...) followed by something, `www.`
/// followed by a letter or digit, or a bare domain such as `evil.com` or `bit.ly/x`.
/// Tuned so that real names and addresses ("St. John", "Apt. 4B", "J.R.R. Tolkien",
/// "P.O. Box 12") are never refused; the table in checkout_test.cpp is the contract.
bool contains_web_address(std::string_view text);

}  // namespace domain
