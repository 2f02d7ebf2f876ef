// Personal data at rest: sealed in every table it reaches, open to the
// engine's own keys only, gone for good once its customer's key is destroyed.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "persistence_fixtures.hpp"
#include "sealing/key_file.hpp"
#include "support/master_key.hpp"

using namespace persistence_fixtures;
using nlohmann::json;
using persistence::append_outcome;

namespace {

class personal_data : public ::testing::Test {
 protected:
  test_support::test_database db_{"personal"};
  test_support::repositories store_{db_.app_url()};  // as the engine's runtime connects
  probe side_{db_.url()};

  /// Every text column and JSON document of the database, as one string.
  std::string everything_stored() {
    std::string all;
    for (const char* sql : {"select coalesce(string_agg(c::text, ' '), '') from customers c",
                            "select coalesce(string_agg(k::text, ' '), '') from customer_keys k",
                            "select coalesce(string_agg(payload::text, ' '), '') from events",
                            "select coalesce(string_agg(view::text, ' '), '') from orders",
                            "select coalesce(string_agg(payload::text, ' '), '') from outbox"})
      all += side_.query(sql)[0][0].as<std::string>() + "\n";
    return all;
  }

  /// A decision with a note (an event, the view and an email all holding it).
  persistence::append_item note_for(const std::string& order, const std::string& ref, std::int64_t seq,
                                    const std::string& text) {
    auto item = item_for(order, seq, 1, "CCC-000200", ref);
    item.events[0].type = "note_added";
    item.events[0].payload_json = json{{"text", text}}.dump();
    item.events[0].personal_paths = {"/text"};
    item.read_model.view_json = json{{"number", "CCC-000200"}, {"review", {{"text", text}, {"rating", 4}}}}.dump();
    item.read_model.personal_paths = {"/review/text"};
    item.outbox.push_back({"contact_customer", json{{"message", text}}.dump(), t0_ms, {"/message"}});
    return item;
  }
};

TEST_F(personal_data, a_customer_reads_back_in_the_clear_while_no_table_holds_a_personal_field) {
  const auto order = new_uuid();
  auto item = checkout_for(order, "CCC-000200", "Grace.Hopper@Example.com", "k1");
  item.customer->name = "Grace Hopper";
  item.customer->shipping_json = R"({"line1":"1 Navy Yard","city":"Arlington"})";
  ASSERT_EQ(store_.journal.append_batch({item})[0], append_outcome::committed);

  const auto customer = store_.orders.find_customer(item.customer->ref);
  ASSERT_TRUE(customer);
  EXPECT_FALSE(customer->erased);
  EXPECT_EQ(customer->name, "Grace Hopper");
  EXPECT_EQ(customer->email, "Grace.Hopper@Example.com");
  EXPECT_EQ(json::parse(customer->shipping_json)["line1"], "1 Navy Yard");
  const auto stored = everything_stored();
  for (const char* personal : {"Grace", "Hopper", "Navy Yard", "Arlington", "example.com", "Example.com"})
    EXPECT_EQ(stored.find(personal), std::string::npos) << personal << " in " << stored;
}

TEST_F(personal_data, search_by_email_finds_the_order_through_the_blind_index_in_any_case) {
  const auto order = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({checkout_for(order, "CCC-000201", "Ada@Example.com", "")})[0],
            append_outcome::committed);
  persistence::order_filter filter;
  filter.query = " ada@example.COM";
  auto page = store_.orders.list_orders(filter);
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_EQ(page.rows[0].id, order);
  filter.query = "ada@example.org";
  EXPECT_TRUE(store_.orders.list_orders(filter).rows.empty());
}

TEST_F(personal_data, texts_of_later_decisions_are_sealed_under_the_customers_key_and_read_back) {
  const auto order = new_uuid();
  const auto placed = checkout_for(order, "CCC-000200", "ada@example.com", "");
  ASSERT_EQ(store_.journal.append_batch({placed})[0], append_outcome::committed);
  ASSERT_EQ(store_.journal.append_batch({note_for(order, placed.customer->ref, 2, "the side door, ring twice")})[0],
            append_outcome::committed);

  EXPECT_EQ(everything_stored().find("side door"), std::string::npos);
  const auto events = store_.journal.load_events(order);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(json::parse(events[1].payload_json)["text"], "the side door, ring twice");
  EXPECT_EQ(json::parse(store_.orders.find_order(order)->view_json)["review"]["text"], "the side door, ring twice");
  const auto mail = store_.outbox.claim_outbox(10, std::chrono::seconds{30});
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(json::parse(mail[0].payload_json)["message"], "the side door, ring twice");
}

TEST_F(personal_data, erasure_destroys_the_key_so_nothing_personal_opens_and_its_pending_mail_is_dropped) {
  const auto order = new_uuid();
  const auto placed = checkout_for(order, "CCC-000200", "ada@example.com", "");
  const auto& ref = placed.customer->ref;
  ASSERT_EQ(store_.journal.append_batch({placed})[0], append_outcome::committed);
  auto noted = note_for(order, ref, 2, "Ada's secret");
  ASSERT_EQ(store_.journal.append_batch({noted})[0], append_outcome::committed);

  auto erase = item_for(order, 3, 1, "CCC-000200", ref);
  erase.events[0].type = "personal_data_erased";
  erase.erases_customer = true;
  ASSERT_EQ(store_.journal.append_batch({erase})[0], append_outcome::committed);

  const auto customer = store_.orders.find_customer(ref);
  ASSERT_TRUE(customer);
  EXPECT_TRUE(customer->erased);
  EXPECT_GT(customer->erased_at_ms, 0);
  EXPECT_TRUE(customer->name.empty());
  EXPECT_TRUE(customer->email.empty());
  EXPECT_EQ(side_.count("select count(*) from customer_keys where ref = $1::uuid", ref), 0);
  EXPECT_EQ(side_.count("select count(*) from customers where ref = $1::uuid and email_index is null", ref), 1);
  const auto events = store_.journal.load_events(order);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(json::parse(events[1].payload_json)["text"].is_null());
  EXPECT_EQ(side_.count("select count(*) from outbox where status = 'dropped'"), 1);
  EXPECT_TRUE(store_.outbox.claim_outbox(10, std::chrono::seconds{30}).empty());
  persistence::order_filter filter;
  filter.query = "ada@example.com";
  EXPECT_TRUE(store_.orders.list_orders(filter).rows.empty()) << "the blind index went too";

  // A text written after the erasure has no key to be sealed with: it is not stored.
  ASSERT_EQ(store_.journal.append_batch({note_for(order, ref, 4, "too late")})[0], append_outcome::committed);
  EXPECT_EQ(everything_stored().find("too late"), std::string::npos);
  EXPECT_TRUE(json::parse(store_.journal.load_events(order)[3].payload_json)["text"].is_null());
}

TEST_F(personal_data, another_shops_keys_open_nothing_and_say_so) {
  const auto order = new_uuid();
  const auto placed = checkout_for(order, "CCC-000200", "ada@example.com", "");
  ASSERT_EQ(store_.journal.append_batch({placed})[0], append_outcome::committed);
  test_support::repositories thief{db_.app_url()};  // a vault of other keys
  EXPECT_THROW(thief.orders.find_customer(placed.customer->ref), std::runtime_error);
}

TEST_F(personal_data, every_node_gets_the_same_root_key_and_a_foreign_master_key_is_refused) {
  const std::vector<sealing::secret_key> master{sealing::secret_key::random()};
  const sealing::keyring ring{master};
  // The root key is made and read at start-up, with the owner's connection.
  test_support::repositories first_node{db_.url()};
  const auto first = first_node.shared.root_key(ring);
  test_support::repositories other_node{db_.url()};
  EXPECT_EQ(other_node.shared.root_key(sealing::keyring{master}), first);
  EXPECT_THROW(
      other_node.shared.root_key(sealing::keyring{std::vector<sealing::secret_key>{sealing::secret_key::random()}}),
      sealing::key_file_error);
}

TEST_F(personal_data, old_storefront_counts_fold_into_their_months_and_keep_their_totals) {
  side_.query(
      "insert into analytics_daily (day, type, count) values "
      "('2026-01-01', 'checkout_started', 2), ('2026-01-15', 'checkout_started', 3), "
      "('2026-01-31', 'checkout_started', 4), ('2026-02-10', 'checkout_started', 5), "
      "('2026-02-11', 'page_view', 7)");
  // Days before 2026-02-11: January folds into 2026-01-01, 2026-02-10 into 2026-02-01.
  EXPECT_EQ(store_.privacy.fold_analytics_before(1'770'768'000'000), 3);  // 2026-02-11T00:00Z
  const auto rows = side_.query("select day::text, type, count from analytics_daily order by day, type");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "2026-01-01");
  EXPECT_EQ(rows[0][2].as<int>(), 9);
  EXPECT_EQ(rows[1][0].as<std::string>(), "2026-02-01");
  EXPECT_EQ(rows[1][2].as<int>(), 5);
  EXPECT_EQ(rows[2][0].as<std::string>(), "2026-02-11");
  EXPECT_EQ(store_.privacy.fold_analytics_before(1'770'768'000'000), 0) << "nothing left to fold";
}

TEST_F(personal_data, orders_past_retention_are_the_closed_unerased_ones_oldest_first_page_by_page) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(new_uuid());
    auto item = checkout_for(ids.back(), "CCC-00030" + std::to_string(i), "a@example.com", "");
    item.read_model.closed_at_ms = t0_ms + 1000 * (3 - i);  // the last placed closed first
    ASSERT_EQ(store_.journal.append_batch({item})[0], append_outcome::committed);
  }
  auto open = checkout_for(new_uuid(), "CCC-000399", "b@example.com", "");
  ASSERT_EQ(store_.journal.append_batch({open})[0], append_outcome::committed);

  auto first = store_.privacy.orders_past_retention(t0_ms + 10'000, 0, "", 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].order_id, ids[2]);
  EXPECT_EQ(first[1].order_id, ids[1]);
  auto rest = store_.privacy.orders_past_retention(t0_ms + 10'000, first[1].closed_at_ms, first[1].order_id, 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].order_id, ids[0]);
  EXPECT_EQ(store_.privacy.orders_past_retention(t0_ms + 1'500, 0, "", 10).size(), 1u) << "closed before the cut only";
}

}  // namespace
