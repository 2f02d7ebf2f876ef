// The journal codec (events <-> JSON payloads) and the customer's view of an order.

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "domain/access.hpp"
#include "domain/order_json.hpp"
#include "domain/time.hpp"
#include "order_fixtures.hpp"

namespace domain_test {
namespace {

using nlohmann::json;

// One event of each type, with values that would expose a lossy codec:
// amounts above 2^64, millisecond times, unicode, an absent memo.
std::vector<order_event> one_of_each_event() {
  place_order p = sample_place();
  p.lines.push_back(order_line{sku{"CANON-PG245"}, "Canon PG-245 — “black”", quantity{99}, cents{1999}, cents{197901}});
  const order_placed placed = placed_event(p);
  order_placed without_memo = placed;
  without_memo.quote = make_quote(eth(), cents{999'999'999}, p.number, t0(), std::chrono::minutes{30});
  return {
      placed,
      without_memo,
      payment_claimed{"b1946ac92492d2347c6235b4d2611184", from_unix_ms(1'795'691'806'001)},
      payment_detected{"ab12", atomic_amount{431'106'000'000ULL}, 1, minutes_after_t0(4)},
      payment_received{"XMR", "ab12", atomic_amount{200'000'000'000ULL}, atomic_amount{300'000'000'000ULL}, 10,
                       payment_source::import, match_basis::memo, minutes_after_t0(4), minutes_after_t0(60),
                       minutes_after_t0(9)},
      payment_requoted{make_quote(btc(), cents{6998}, p.number, minutes_after_t0(70), std::chrono::minutes{30}),
                       minutes_after_t0(70)},
      underpayment_expired{"XMR", "ab12", atomic_amount{300'000'000'000ULL}, atomic_amount{131'106'000'000ULL},
                           "We received 0.3 XMR of the 0.431106 XMR", minutes_after_t0(61)},
      payment_verified{"0xabc", atomic_amount{(static_cast<atomic_amount::rep>(1) << 100) + 3}, atomic_amount{3},
                       minutes_after_t0(20)},
      processing_started{minutes_after_t0(60)},
      order_shipped{"UPS", "1Z999AA10123456784", tracking_url("UPS", "1Z999AA10123456784"), "2026-12-01",
                    minutes_after_t0(300)},
      order_delivered{minutes_after_t0(3000)},
      order_cancelled{"customer asked", actor_role::customer, minutes_after_t0(1)},
      order_cancelled{"fraud suspected", actor_role::admin, minutes_after_t0(1)},
      order_cancelled{"payment window expired", actor_role::system, minutes_after_t0(1)},
      note_added{"called the customer; ships Monday", minutes_after_t0(2)},
      customer_contacted{"You paid 0.4 XMR of 0.431045 XMR; please send the rest.", minutes_after_t0(3)},
      review_left{4, "Works in my OfficeJet 🖨️", minutes_after_t0(13000)},
      payment_reminder_sent{minutes_after_t0(1440)},
      review_requested{minutes_after_t0(23000)},
      erasure_requested{minutes_after_t0(24000)},
      personal_data_erased{actor_role::admin, minutes_after_t0(25000)},
      personal_data_erased{actor_role::system, minutes_after_t0(25001)},
      payment_withdrawn{"9f0c", atomic_amount{431'045'000'000ULL}, minutes_after_t0(6)},
      payment_reversed{"ETH", "0x9f0c", atomic_amount{(static_cast<atomic_amount::rep>(1) << 90) + 7}, atomic_amount{5}, true,
                       "The payment 0x9f0c is no longer on the ETH chain", minutes_after_t0(60), minutes_after_t0(8)},
      order_cancelled{"sold out after payment", actor_role::admin, minutes_after_t0(90), atomic_amount{431'106'000'000ULL}},
      refund_address_given{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", actor_role::customer, minutes_after_t0(100)},
      refund_recorded{"f00d", atomic_amount{5}, atomic_amount{7}, atomic_amount{0}, minutes_after_t0(200)},
  };
}

TEST(event_codec, every_event_type_round_trips) {
  std::set<std::string> types;
  for (const auto& e : one_of_each_event()) {
    const std::string type = event_type(e);
    types.insert(type);
    SCOPED_TRACE(type);
    const json payload = encode_event(e);
    const auto decoded = decode_event(type, json::parse(payload.dump()));  // through text, as stored
    ASSERT_TRUE(decoded) << payload.dump();
    EXPECT_EQ(decoded->index(), e.index());
    EXPECT_EQ(event_time(*decoded), event_time(e));
    EXPECT_EQ(encode_event(*decoded), payload);
  }
  EXPECT_EQ(types.size(), std::variant_size_v<order_event>) << "one sample per event type";
}

TEST(event_codec, keeps_a_per_order_addresss_index_and_reads_quotes_stored_without_one) {
  place_order c = sample_place();
  c.quote = make_quote(btc(), c.total, c.number, t0(), std::chrono::hours{1},
                       std::string{"bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"}, 4'000'000'000u);
  const order_event placed = decide(order{}, c).value().at(0);
  json payload = encode_event(placed);
  const auto back = decode_event(event_type(placed), payload);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<order_placed>(*back).quote.address_index, 4'000'000'000u);
  payload["quote"].erase("address_index");  // as events written before it existed
  const auto old = decode_event(event_type(placed), payload);
  ASSERT_TRUE(old);
  EXPECT_FALSE(std::get<order_placed>(*old).quote.address_index);
  payload["quote"]["address_index"] = -1;
  EXPECT_FALSE(decode_event(event_type(placed), payload));
}

TEST(event_codec, keeps_big_amounts_exact_as_decimal_strings) {
  const payment_verified e{"0xabc", atomic_amount{(static_cast<atomic_amount::rep>(1) << 100) + 3}, atomic_amount{3},
                           t0()};
  const json payload = encode_event(e);
  EXPECT_EQ(payload["received_atomic"], "1267650600228229401496703205379");
  EXPECT_EQ(payload["refund_due_atomic"], "3");
  EXPECT_EQ(payload["at"], "2026-11-26T11:16:46.123Z");
  const auto back = decode_event("payment_verified", payload);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::get<payment_verified>(*back).received, e.received);
}

TEST(event_codec, keeps_the_cancelling_role) {
  for (auto role : {actor_role::customer, actor_role::admin, actor_role::system}) {
    const auto back = decode_event("order_cancelled", encode_event(order_cancelled{"r", role, t0()}));
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<order_cancelled>(*back).by, role);
  }
}

TEST(event_codec, rejects_an_unknown_type) {
  const json payload = encode_event(note_added{"hello", t0()});
  EXPECT_FALSE(decode_event("order_refunded", payload));
  EXPECT_FALSE(decode_event("", payload));
  EXPECT_FALSE(decode_event("NOTE_ADDED", payload));
}

TEST(event_codec, rejects_a_payload_with_any_field_missing) {
  // Added after journals without it were written: absent reads as 0 (tested in order_refunds_test).
  const std::set<std::pair<std::string, std::string>> optional_fields{{"order_cancelled", "refund_due_atomic"}};
  for (const auto& e : one_of_each_event()) {
    const json full = encode_event(e);
    for (const auto& [key, value] : full.items()) {
      if (optional_fields.count({event_type(e), key})) continue;
      json partial = full;
      partial.erase(key);
      EXPECT_FALSE(decode_event(event_type(e), partial)) << event_type(e) << " without " << key;
    }
  }
}

// A value of a different JSON type than the one the codec writes.
std::vector<json> wrong_types_for(const json& v) {
  if (v.is_string()) return {json(7), json(nullptr), json::array()};
  if (v.is_number_integer()) return {json("7"), json(2.5), json(true), json(nullptr)};
  if (v.is_object()) return {json("x"), json::array(), json(nullptr)};
  if (v.is_array()) return {json("x"), json::object(), json(3)};
  return {};
}

TEST(event_codec, rejects_a_payload_with_a_field_of_the_wrong_type) {
  for (const auto& e : one_of_each_event()) {
    const json full = encode_event(e);
    for (const auto& [key, value] : full.items()) {
      for (const json& wrong : wrong_types_for(value)) {
        json bad = full;
        bad[key] = wrong;
        EXPECT_FALSE(decode_event(event_type(e), bad)) << event_type(e) << "." << key << " = " << wrong.dump();
      }
    }
  }
}

TEST(event_codec, rejects_malformed_values) {
  const auto with = [](const order_event& e, const std::function<void(json&)>& change) {
    json j = encode_event(e);
    change(j);
    return decode_event(event_type(e), j);
  };
  const order_event verified = payment_verified{"tx", atomic_amount{5}, atomic_amount{0}, t0()};
  const order_event placed = placed_event(sample_place());
  EXPECT_FALSE(with(verified, [](json& j) { j["at"] = "yesterday"; }));
  EXPECT_FALSE(with(verified, [](json& j) { j["at"] = "2026-02-30T10:00:00Z"; }));
  EXPECT_FALSE(with(verified, [](json& j) { j["received_atomic"] = "-5"; }));
  EXPECT_FALSE(with(verified, [](json& j) { j["received_atomic"] = "1e3"; }));
  EXPECT_FALSE(with(verified, [](json& j) { j["received_atomic"] = ""; }));
  EXPECT_FALSE(with(verified, [](json& j) { j["refund_due_atomic"] = "0.5"; }));
  EXPECT_FALSE(with(order_cancelled{"r", actor_role::admin, t0()}, [](json& j) { j["by"] = "robot"; }));
  EXPECT_FALSE(with(review_left{5, "", t0()}, [](json& j) { j["rating"] = "five"; }));
  EXPECT_FALSE(with(placed, [](json& j) { j["quote"]["amount_atomic"] = "abc"; }));
  EXPECT_FALSE(with(placed, [](json& j) { j["quote"]["expires_at"] = "soon"; }));
  EXPECT_FALSE(with(placed, [](json& j) { j["quote"]["memo"] = 5; }));
  EXPECT_FALSE(with(placed, [](json& j) { j["quote"].erase("uri"); }));
  EXPECT_FALSE(with(placed, [](json& j) { j["items"][0].erase("sku"); }));
  EXPECT_FALSE(with(placed, [](json& j) { j["items"][0]["quantity"] = "2"; }));
  EXPECT_FALSE(with(placed, [](json& j) { j["items"][0]["quantity"] = 2.5; }));
  EXPECT_FALSE(with(placed, [](json& j) { j["items"][0]["unit_price_cents"] = 34.99; }));
  EXPECT_FALSE(with(placed, [](json& j) { j["items"] = json::object({{"a", j["items"][0]}}); }));
  EXPECT_FALSE(with(placed, [](json& j) { j["items"][0] = "HP-64XL-BLK"; }));
}

TEST(event_codec, rejects_a_payload_that_is_not_an_object) {
  for (const json& p : {json(nullptr), json::array(), json("note"), json(3)})
    EXPECT_FALSE(decode_event("note_added", p)) << p.dump();
  EXPECT_FALSE(decode_event("processing_started", json::array({"2026-11-26T11:16:46.123Z"})));
}

// ---- customer view ------------------------------------------------------------------

void expect_rfc3339(const json& v, const char* what) {
  ASSERT_TRUE(v.is_string()) << what;
  EXPECT_TRUE(parse_rfc3339(v.get<std::string>())) << what << " = " << v;
}

TEST(customer_view, has_the_api_shape) {
  const json v = customer_view(order_in(order_status::pending));
  EXPECT_EQ(v["id"], sample_id().value());
  EXPECT_EQ(v["number"], "CCC-000123");
  EXPECT_EQ(v["status"], "pending");

  ASSERT_TRUE(v["items"].is_array());
  ASSERT_EQ(v["items"].size(), 1u);
  const json& item = v["items"][0];
  EXPECT_EQ(item["sku"], "HP-64XL-BLK");
  EXPECT_EQ(item["name"], "HP 64XL Black");
  EXPECT_EQ(item["quantity"], 2);
  EXPECT_EQ(item["unit_price_cents"], 3499);
  EXPECT_EQ(item["line_total_cents"], 6998);

  EXPECT_EQ(v["subtotal_cents"], 6998);
  EXPECT_EQ(v["shipping_cents"], 0);
  EXPECT_EQ(v["total_cents"], 6998);
  EXPECT_TRUE(v["total_cents"].is_number_integer());

  const json& pay = v["payment"];
  ASSERT_TRUE(pay.is_object());
  EXPECT_EQ(pay["method"], "XMR");
  EXPECT_EQ(pay["address"], xmr().address);
  EXPECT_EQ(pay["amount_atomic"], "431106000000");
  EXPECT_EQ(pay["amount_display"], "0.431106 XMR");
  EXPECT_EQ(pay["memo"], "CCC-000123");
  EXPECT_EQ(pay["uri"], "monero:" + xmr().address + "?tx_amount=0.431106&tx_description=CCC-000123");
  EXPECT_EQ(pay["expires_at"], "2026-11-26T12:16:46.123Z");
  EXPECT_EQ(pay["state"], "awaiting");
  EXPECT_TRUE(pay["address_index"].is_null()) << "the static address is no order's own";

  EXPECT_EQ(v["created_at"], "2026-11-26T11:16:46.123Z");
  ASSERT_TRUE(v["timeline"].is_array());
  ASSERT_EQ(v["timeline"].size(), 1u);
  EXPECT_EQ(v["timeline"][0]["status"], "pending");
  expect_rfc3339(v["timeline"][0]["at"], "timeline[0].at");
  EXPECT_TRUE(v["timeline"][0]["note"].is_string());
  EXPECT_FALSE(v.contains("shipment")) << "no shipment before the order ships";
}

TEST(customer_view, shows_the_shipment_once_shipped) {
  for (auto s : {order_status::shipped, order_status::delivered}) {
    const json v = customer_view(order_in(s));
    ASSERT_TRUE(v.contains("shipment")) << to_string(s);
    const json& sh = v["shipment"];
    EXPECT_EQ(sh["carrier"], "UPS");
    EXPECT_EQ(sh["tracking_number"], "1Z999AA10123456784");
    EXPECT_EQ(sh["tracking_url"], "https://www.ups.com/track?tracknum=1Z999AA10123456784");
    EXPECT_EQ(sh["estimated_delivery"], "2026-12-01");
    EXPECT_EQ(v["status"], to_string(s));
  }
  for (auto s : {order_status::paid, order_status::processing, order_status::cancelled})
    EXPECT_FALSE(customer_view(order_in(s)).contains("shipment")) << to_string(s);
}

TEST(customer_view, timeline_follows_the_order_in_sequence) {
  const json v = customer_view(order_in(order_status::delivered));
  std::vector<std::string> statuses;
  std::vector<timestamp> times;
  for (const auto& t : v["timeline"]) {
    statuses.push_back(t["status"].get<std::string>());
    times.push_back(*parse_rfc3339(t["at"].get<std::string>()));
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"pending", "paid", "processing", "shipped", "delivered"}));
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(v["payment"]["state"], "paid");
}

void collect_keys(const json& j, std::vector<std::string>& keys) {
  if (j.is_object())
    for (const auto& [k, v] : j.items()) {
      keys.push_back(k);
      collect_keys(v, keys);
    }
  else if (j.is_array())
    for (const auto& v : j) collect_keys(v, keys);
}

// An order placed from a real checkout that carried personal data.
order order_placed_by_ada(order_status status) {
  checkout_input in;
  in.items = {{"HP-64XL-BLK", 2}};
  in.customer = {"Ada Lovelace", "ada.lovelace@example.com"};
  in.shipping = {"1 Euclid Ave", "Suite 42", "Cleveland", "OH", "44115", "US"};
  in.payment_method = "XMR";
  const auto methods = all_methods();
  auto priced = price_checkout(shop_catalog(), methods, shipping_policy{}, in);
  if (!priced) {
    ADD_FAILURE() << priced.error().detail;
    return {};
  }
  place_order c = sample_place();
  c.lines = priced->lines;
  c.subtotal = priced->subtotal;
  c.shipping = priced->shipping;
  c.total = priced->total;
  c.quote = make_quote(*priced->method, priced->total, c.number, t0(), std::chrono::hours{1});
  c.checkout_fingerprint = access_keys{"s3cret"}.fingerprint("ada.lovelace@example.com|1 Euclid Ave|HP-64XL-BLK x2");
  order o = run(order{}, c);
  if (status == order_status::pending) return o;
  o = run(o, verify_payment{"tx", c.quote.amount, minutes_after_t0(1)});
  o = run(o, start_processing{minutes_after_t0(2)});
  o = run(o, sample_ship());
  return status == order_status::delivered ? run(o, mark_delivered{minutes_after_t0(9000)}) : o;
}

TEST(customer_view, carries_no_access_token_and_no_personal_data) {
  const access_keys keys{"s3cret"};
  for (auto s : {order_status::pending, order_status::delivered}) {
    const order o = order_placed_by_ada(s);
    const json v = customer_view(o);
    const std::string text = v.dump();
    std::vector<std::string> keys_in_view;
    collect_keys(v, keys_in_view);
    for (const auto& k : keys_in_view) {
      EXPECT_EQ(k.find("token"), std::string::npos) << k;
      EXPECT_NE(k, "email");
      EXPECT_NE(k, "customer");
      EXPECT_NE(k, "customer_ref");
      EXPECT_NE(k, "shipping") << "the address must not be in the view";
      EXPECT_NE(k, "checkout_fingerprint");
    }
    EXPECT_EQ(text.find(keys.token_for(o.id)), std::string::npos);
    for (const char* personal :
         {"Ada", "Lovelace", "ada.lovelace@example.com", "Euclid", "Suite 42", "44115", "Cleveland"})
      EXPECT_EQ(text.find(personal), std::string::npos) << personal << " leaked into " << text;
    EXPECT_EQ(text.find(o.customer.value()), std::string::npos) << "customer reference leaked";
    EXPECT_EQ(text.find(o.checkout_fingerprint), std::string::npos) << "fingerprint leaked";
  }
}

TEST(event_codec, journal_payloads_carry_no_personal_data) {
  const order o = order_placed_by_ada(order_status::delivered);
  ASSERT_TRUE(o.exists());
  const order_event placed = order_placed{
      o.id,        o.number, o.customer, o.lines, o.subtotal, o.shipping, o.total, o.quote, o.checkout_fingerprint,
      o.created_at};
  const std::string text = encode_event(placed).dump();
  for (const char* personal : {"Ada", "Lovelace", "ada.lovelace@example.com", "Euclid", "44115", "Cleveland"})
    EXPECT_EQ(text.find(personal), std::string::npos) << personal;
}

}  // namespace
}  // namespace domain_test
