// JSON can spell a NUL character ("\u0000"); PostgreSQL cannot store one in
// text or jsonb, and one such string in a journal batch fails every decision
// of the batch. Every text a request DTO reads refuses it with a 422 naming
// the field.

#include "http/dto.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

const std::string nul_text = std::string("ordered the wrong colour") + '\0' + "!";

template <class T>
void expect_refused(const domain::result<T>& r, const std::string& field) {
  ASSERT_FALSE(r) << "accepted a text with a NUL in " << field;
  EXPECT_EQ(r.error().code, domain::error_code::validation);
  EXPECT_EQ(r.error().field, field);
}

json checkout_body() {
  return json{
      {"items", json::array({{{"sku", "HP-64XL-BLK"}, {"quantity", 2}}})},
      {"customer", {{"name", "Ada Lovelace"}, {"email", "ada@example.com"}}},
      {"shipping", {{"line1", "12 Analytical St"}, {"city", "Cleveland"}, {"postal_code", "44101"}, {"country", "US"}}},
      {"payment_method", "XMR"}};
}

TEST(dto_nul, the_checkout_without_a_nul_is_accepted) {
  EXPECT_TRUE(http::dto::checkout(checkout_body()));
}

TEST(dto_nul, a_nul_in_a_checkout_text_is_a_validation_error_naming_the_field) {
  auto body = checkout_body();
  body["customer"]["name"] = nul_text;
  expect_refused(http::dto::checkout(body), "customer.name");
  body = checkout_body();
  body["shipping"]["line2"] = nul_text;
  expect_refused(http::dto::checkout(body), "shipping.line2");
  body = checkout_body();
  body["items"][0]["sku"] = nul_text;
  expect_refused(http::dto::checkout(body), "items[0].sku");
}

TEST(dto_nul, a_nul_in_a_customer_command_text_is_a_validation_error) {
  expect_refused(http::dto::customer_cancel(json{{"reason", nul_text}}), "reason");
  expect_refused(http::dto::review(json{{"rating", 5}, {"text", nul_text}}), "text");
  expect_refused(http::dto::payment_claim(json{{"tx_id", nul_text}}), "tx_id");
}

TEST(dto_nul, a_nul_in_an_admin_text_is_a_validation_error) {
  expect_refused(http::dto::admin_command(json{{"type", "add_note"}, {"text", nul_text}}), "text");
  expect_refused(http::dto::admin_command(json{{"type", "cancel"}, {"reason", nul_text}}), "reason");
  expect_refused(http::dto::admin_command(json{
                     {"type", "ship"}, {"carrier", "UPS"}, {"tracking_number", nul_text}, {"estimated_delivery", "x"}}),
                 "tracking_number");
  expect_refused(http::dto::exception_dismissal(json{{"reason", nul_text}}), "reason");
}

}  // namespace
