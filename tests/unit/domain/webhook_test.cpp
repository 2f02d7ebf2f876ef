#include "domain/webhook.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;

// The example of the Standard Webhooks specification's reference libraries
// (secret, message id, timestamp and body, and the signature they publish).
TEST(webhook_signature, matches_the_specifications_published_example) {
  const auto signature = domain::webhook_signature(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})");
  ASSERT_TRUE(signature);
  EXPECT_EQ(*signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(webhook_signature, changes_with_the_id_the_timestamp_and_the_body) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const auto base = *domain::webhook_signature(secret, "msg_1", 1700000000, "{}");
  EXPECT_NE(base, *domain::webhook_signature(secret, "msg_2", 1700000000, "{}"));
  EXPECT_NE(base, *domain::webhook_signature(secret, "msg_1", 1700000001, "{}"));
  EXPECT_NE(base, *domain::webhook_signature(secret, "msg_1", 1700000000, "{ }"));
}

TEST(webhook_signature, refuses_a_secret_that_is_not_whsec_base64) {
  EXPECT_FALSE(domain::webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, "{}"));
  EXPECT_FALSE(domain::webhook_signature("whsec_not base64!", "m", 1, "{}"));
  EXPECT_FALSE(domain::webhook_signature("whsec_", "m", 1, "{}"));
}

TEST(webhook_secret, round_trips_its_key_bytes) {
  std::vector<unsigned char> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 3);
  const auto text = domain::webhook_secret_text(key);
  EXPECT_EQ(text.rfind("whsec_", 0), 0u);
  const auto back = domain::webhook_secret_key(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, key);
}

TEST(webhook_payload, carries_the_order_number_and_status_and_nothing_personal) {
  const auto payload = domain::webhook_payload(
      {"0b5e0c8e-4f59-4f0e-9d4a-2f1d1f2a9c11", "CC-000123", 4, "order_shipped", "shipped", 1764806400000});
  EXPECT_EQ(payload, (nlohmann::json{{"type", "order_shipped"},
                                     {"timestamp", "2025-12-04T00:00:00.000Z"},
                                     {"data",
                                      {{"order_id", "0b5e0c8e-4f59-4f0e-9d4a-2f1d1f2a9c11"},
                                       {"order_number", "CC-000123"},
                                       {"event_seq", 4},
                                       {"status", "shipped"}}}}));
}

TEST(webhook_events, offer_every_journaled_order_event_and_nothing_else) {
  for (const char* type : {"order_placed", "payment_received", "payment_verified", "processing_started",
                           "order_shipped", "order_delivered", "order_cancelled"})
    EXPECT_TRUE(domain::is_webhook_event_type(type)) << type;
  EXPECT_FALSE(domain::is_webhook_event_type("order_teleported"));
  EXPECT_FALSE(domain::is_webhook_event_type("*"));
  EXPECT_TRUE(domain::subscribes_to({"*"}, "order_shipped"));
  EXPECT_TRUE(domain::subscribes_to({"order_placed", "order_shipped"}, "order_shipped"));
  EXPECT_FALSE(domain::subscribes_to({"order_placed"}, "order_shipped"));
}

TEST(webhook_target, accepts_public_http_and_https_urls) {
  const auto t = domain::check_webhook_target("https://hooks.example.com:8443/in?x=1", false);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scheme, "https");
  EXPECT_EQ(t->host, "hooks.example.com");
  EXPECT_EQ(t->port, 8443);
  EXPECT_FALSE(t->host_is_address);
  const auto plain = domain::check_webhook_target("http://93.184.216.34/hook", false);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, 80);
  EXPECT_TRUE(plain->host_is_address);
}

TEST(webhook_target, refuses_other_schemes_user_info_fragments_and_bad_ports) {
  for (const char* url :
       {"ftp://example.com/", "file:///etc/passwd", "example.com/hook", "https://user:pw@example.com/",
        "https://example.com/#frag", "https://example.com:0/", "https://example.com:99999/", "https://exa mple.com/",
        "https:///nohost", "gopher://example.com/"}) {
    const auto t = domain::check_webhook_target(url, true);
    ASSERT_FALSE(t) << url;
    EXPECT_EQ(t.error().problem, domain::target_problem::malformed) << url;
  }
}

TEST(webhook_target, refuses_loopback_private_link_local_and_unique_local_unless_allowed) {
  for (const char* url :
       {"http://127.0.0.1:8080/", "http://localhost/", "http://api.localhost/", "http://10.1.2.3/",
        "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]:9000/",
        "http://[fd00::1]/", "http://[fe80::1]/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"}) {
    const auto refused = domain::check_webhook_target(url, false);
    ASSERT_FALSE(refused) << url;
    EXPECT_EQ(refused.error().problem, domain::target_problem::private_address) << url;
    EXPECT_TRUE(domain::check_webhook_target(url, true)) << url;
  }
}

TEST(webhook_target, classifies_resolved_addresses) {
  EXPECT_TRUE(domain::is_private_address("127.0.0.53"));
  EXPECT_TRUE(domain::is_private_address("::ffff:10.0.0.1"));
  EXPECT_TRUE(domain::is_private_address("not an address"));
  EXPECT_FALSE(domain::is_private_address("93.184.216.34"));
  EXPECT_FALSE(domain::is_private_address("2606:2800:220:1:248:1893:25c8:1946"));
}

TEST(webhook_backoff, doubles_from_retry_after_up_to_retry_max) {
  EXPECT_EQ(domain::webhook_backoff(1, 5s, 1h), 5s);
  EXPECT_EQ(domain::webhook_backoff(2, 5s, 1h), 10s);
  EXPECT_EQ(domain::webhook_backoff(3, 5s, 1h), 20s);
  EXPECT_EQ(domain::webhook_backoff(30, 5s, 1h), 1h);
}

domain::webhook_event_facts placed_facts() {
  return {"7c0d2f9e-1b7a-4b57-9a51-0d7f0a8a1f3e", "CCC-000123", 1, "order_placed", "pending", 1700000000000};
}

TEST(webhook_personal_data, an_opted_in_payload_carries_name_email_and_shipping_as_the_admin_view_shows_them) {
  domain::webhook_customer ada;
  ada.name = "Ada Lovelace";
  ada.email = "ada@example.com";
  ada.shipping = domain::shipping_address{"1 Euclid Ave", "", "Cleveland", "OH", "44115", "US"};
  const auto plain = domain::webhook_payload(placed_facts());
  const auto payload = domain::with_personal_data(plain, ada);
  EXPECT_EQ(payload["data"]["customer"],
            (nlohmann::json{{"erased", false}, {"name", "Ada Lovelace"}, {"email", "ada@example.com"}}));
  EXPECT_EQ(payload["data"]["shipping"], (nlohmann::json{{"line1", "1 Euclid Ave"},
                                                         {"line2", ""},
                                                         {"city", "Cleveland"},
                                                         {"region", "OH"},
                                                         {"postal_code", "44115"},
                                                         {"country", "US"}}));
  auto without = payload;
  without["data"].erase("customer");
  without["data"].erase("shipping");
  EXPECT_EQ(without, plain) << "the rest of the payload is the plain one";
}

TEST(webhook_personal_data, an_erased_or_unreadable_customer_leaves_nulls_and_nothing_personal) {
  domain::webhook_customer erased;
  erased.erased = true;
  erased.name = "left over";  // ignored: an erased customer has nothing to tell
  for (const auto& customer :
       {std::optional<domain::webhook_customer>{erased}, std::optional<domain::webhook_customer>{}}) {
    const auto payload = domain::with_personal_data(domain::webhook_payload(placed_facts()), customer);
    EXPECT_EQ(payload["data"]["customer"], (nlohmann::json{{"erased", true}, {"name", nullptr}, {"email", nullptr}}));
    EXPECT_TRUE(payload["data"]["shipping"].is_null());
    EXPECT_EQ(payload.dump().find("left over"), std::string::npos);
  }
}

TEST(webhook_personal_data, a_customer_without_a_shipping_address_has_shipping_null) {
  domain::webhook_customer ada;
  ada.name = "Ada Lovelace";
  ada.email = "ada@example.com";
  const auto payload = domain::with_personal_data(domain::webhook_payload(placed_facts()), ada);
  EXPECT_TRUE(payload["data"]["shipping"].is_null());
  EXPECT_EQ(payload["data"]["customer"]["email"], "ada@example.com");
}

}  // namespace
