// Payments against a real PostgreSQL: every payment counted once per
// (coin, txid), the admin's exceptions, and the orders a payment might be for.
// Each test gets its own freshly migrated database.

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "persistence_fixtures.hpp"

namespace {

using namespace persistence_fixtures;
using persistence::append_item;
using persistence::append_outcome;
using persistence::exception_row;
using persistence::payment_candidate_row;
using persistence::payment_key;
using persistence::payment_lookup;
using persistence::payment_row;
using store = test_support::repositories;

constexpr auto committed = append_outcome::committed;
constexpr std::int64_t minute_ms = 60'000;

// The payment columns of an order's read model.
struct quote_columns {
  std::string coin = "btc";
  std::string status = "pending";
  std::string quote_atomic = "200000";
  std::string outstanding_atomic = "200000";
  std::int64_t quoted_at_ms = t0_ms;
  std::int64_t expires_at_ms = t0_ms + 30 * minute_ms;
  std::string payment_address;  // empty: the coin's static address
};

struct placed_order {
  std::string id;
  std::string number;
  std::string customer_ref;
  quote_columns quote;
  std::int64_t version = 0;
};

payment_row payment(const std::string& coin, const std::string& txid, const std::string& amount,
                    std::int64_t received_at_ms = t0_ms + 5 * minute_ms) {
  return {coin, txid, amount, "watcher", received_at_ms, received_at_ms + 1500};
}

exception_row exception_for(const std::string& coin, const std::string& txid, const std::string& amount,
                            std::int64_t created_at_ms, const std::string& order_id = "") {
  exception_row x;
  x.coin = coin;
  x.txid = txid;
  x.amount_atomic = amount;
  x.received_at_ms = created_at_ms - 4321;
  x.memo = "memo of " + txid;
  x.reason = "no_matching_order";
  x.source = "watcher";
  x.order_id = order_id;
  x.created_at_ms = created_at_ms;
  return x;
}

payment_lookup lookup(const std::string& amount, const std::string& max_amount,
                      std::int64_t received_at_ms = t0_ms + 10 * minute_ms) {
  payment_lookup l;
  l.coin = "btc";
  l.amount_atomic = amount;
  l.max_amount_atomic = max_amount;
  l.received_at_ms = received_at_ms;
  return l;
}

std::set<std::string> ids_for(const std::vector<payment_candidate_row>& rows, std::size_t lookup_index) {
  std::set<std::string> ids;
  for (const auto& r : rows)
    if (r.lookup == lookup_index) ids.insert(r.id);
  return ids;
}

const payment_candidate_row* find_candidate(const std::vector<payment_candidate_row>& rows, std::size_t lookup_index,
                                            const std::string& id) {
  for (const auto& r : rows)
    if (r.lookup == lookup_index && r.id == id) return &r;
  return nullptr;
}

std::vector<std::string> txids(const std::vector<exception_row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.txid);
  return out;
}

bool same_keys(std::vector<payment_key> a, std::vector<payment_key> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  auto key_eq = [](const payment_key& x, const payment_key& y) { return x.coin == y.coin && x.txid == y.txid; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), key_eq);
}

std::string describe(const std::vector<payment_key>& keys) {
  std::string out;
  for (const auto& k : keys) out += "(" + k.coin + ", " + k.txid + ") ";
  return out;
}

class payments_store : public ::testing::Test {
 protected:
  test_support::test_database db_{"payments"};
  store store_{db_.app_url()};  // as the engine's runtime connects
  probe side_{db_.url()};

  // The next decision of `order`: one event, the read model at its seq.
  static append_item next_item(const placed_order& order, const std::string& type, const std::string& payload) {
    const std::int64_t seq = order.version + 1;
    append_item item;
    item.events.push_back({order.id, seq, type, payload, t0_ms + seq, {}});
    item.read_model = order_row_for(order.id, order.number, order.customer_ref, seq);
    item.read_model.status = order.quote.status;
    item.read_model.payment_method = order.quote.coin;
    item.read_model.payment_address = order.quote.payment_address;
    item.read_model.quote_atomic = order.quote.quote_atomic;
    item.read_model.outstanding_atomic = order.quote.outstanding_atomic;
    item.read_model.quoted_at_ms = order.quote.quoted_at_ms;
    item.read_model.quote_expires_at_ms = order.quote.expires_at_ms;
    return item;
  }

  void commit(placed_order& order, const append_item& item) {
    ASSERT_EQ(store_.journal.append_batch({item}), std::vector<append_outcome>{committed}) << "order " << order.number;
    order.version = item.events.back().seq;
  }

  placed_order place(const std::string& number, const quote_columns& quote = {}) {
    placed_order order{new_uuid(), number, new_uuid(), quote, 0};
    commit(order, next_item(order, "order_placed", R"({"number":")" + number + R"("})"));
    return order;
  }

  append_item payment_item(const placed_order& order, const payment_row& p) {
    auto item = next_item(
        order, "payment_received",
        R"({"coin":")" + p.coin + R"(","txid":")" + p.txid + R"(","amount_atomic":")" + p.amount_atomic + R"("})");
    item.payments.push_back(p);
    return item;
  }

  void pay(placed_order& order, const payment_row& p) { commit(order, payment_item(order, p)); }

  void claim(placed_order& order, const std::string& tx_id) {
    commit(order, next_item(order, "payment_claimed", R"({"tx_id":")" + tx_id + R"(","at":"2026-01-01T00:07:00Z"})"));
  }

  // Who the payments table says the payment belongs to: "" for an exception
  // not assigned, "missing" when it was never counted.
  std::string payment_owner(const std::string& coin, const std::string& txid) {
    const auto rows =
        side_.query("select coalesce(order_id::text, '') from payments where coin = $1 and txid = $2", coin, txid);
    return rows.empty() ? std::string{"missing"} : rows[0][0].as<std::string>();
  }
};

// ---- counted_payments -----------------------------------------------------------

TEST_F(payments_store, a_payment_an_order_counted_is_reported_counted_under_its_coin_only) {
  auto order = place("CCC-000101");
  pay(order, payment("btc", "tx-a", "200000"));

  const auto counted = store_.payments.counted_payments({{"btc", "tx-a"}, {"btc", "tx-never"}, {"xmr", "tx-a"}});
  EXPECT_TRUE(same_keys(counted, {{"btc", "tx-a"}})) << describe(counted);

  EXPECT_TRUE(store_.payments.counted_payments({{"btc", "tx-never"}}).empty());
  EXPECT_TRUE(store_.payments.counted_payments({{"xmr", "tx-a"}}).empty());
  EXPECT_TRUE(store_.payments.counted_payments({}).empty());
}

TEST_F(payments_store, a_counted_payment_is_stored_for_its_order_with_amount_and_times) {
  auto order = place("CCC-000102");
  const auto p = payment("btc", "tx-stored", "123456789012345678901234567890");
  pay(order, p);

  const auto rows = side_.query(
      "select order_id::text, amount_atomic::text, source, floor(extract(epoch from received_at) * 1000)::bigint, "
      "floor(extract(epoch from counted_at) * 1000)::bigint from payments where coin = 'btc' and txid = 'tx-stored'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as<std::string>(), order.id);
  EXPECT_EQ(rows[0][1].as<std::string>(), p.amount_atomic);  // numeric(40,0): no rounding
  EXPECT_EQ(rows[0][2].as<std::string>(), "watcher");
  EXPECT_EQ(rows[0][3].as<std::int64_t>(), p.received_at_ms);
  EXPECT_EQ(rows[0][4].as<std::int64_t>(), p.counted_at_ms);
}

TEST_F(payments_store, a_conflicting_append_counts_no_payment_and_raises_no_exception) {
  auto order = place("CCC-000103");
  // A writer that decided on a stale order: its seq 1 is taken.
  placed_order stale = order;
  stale.version = 0;
  auto item = payment_item(stale, payment("btc", "tx-lost", "200000"));
  item.exceptions.push_back(exception_for("btc", "tx-lost", "200000", t0_ms + minute_ms));

  EXPECT_EQ(store_.journal.append_batch({item}), std::vector<append_outcome>{append_outcome::conflict});
  EXPECT_TRUE(store_.payments.counted_payments({{"btc", "tx-lost"}}).empty());
  EXPECT_TRUE(store_.payments.list_exceptions("open", 10).empty());
}

TEST_F(payments_store, a_payment_taken_back_by_its_order_is_no_longer_counted_and_can_count_again) {
  auto order = place("CCC-000104");
  auto other = place("CCC-000105");
  pay(order, payment("eth", "0xaa", "200000"));
  pay(other, payment("eth", "0xbb", "300000"));

  // The reorganisation's decision: payment_reversed, in one transaction with the row's removal.
  auto back = next_item(order, "payment_reversed", R"({"coin":"eth","txid":"0xaa"})");
  back.payments_reversed.push_back({"eth", "0xaa"});
  back.payments_reversed.push_back({"eth", "0xbb"});  // another order's payment: not this order's to take back
  commit(order, back);
  EXPECT_EQ(payment_owner("eth", "0xaa"), "missing");
  EXPECT_EQ(payment_owner("eth", "0xbb"), other.id);
  EXPECT_TRUE(store_.payments.counted_payments({{"eth", "0xaa"}}).empty());

  // Mined again, the same transaction counts again.
  pay(order, payment("eth", "0xaa", "200000"));
  EXPECT_EQ(payment_owner("eth", "0xaa"), order.id);
}

// ---- record_exceptions ----------------------------------------------------------

TEST_F(payments_store, recorded_exceptions_are_counted_and_listed_open_with_every_field) {
  auto order = place("CCC-000110");
  const auto lost = exception_for("btc", "tx-lost", "150000", t0_ms + minute_ms);
  const auto named = exception_for("xmr", "tx-named", "990000000000", t0_ms + 2 * minute_ms, order.id);

  const auto ids = store_.payments.record_exceptions({lost, named});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_GT(ids[0], 0);
  EXPECT_GT(ids[1], 0);
  EXPECT_NE(ids[0], ids[1]);

  const auto counted = store_.payments.counted_payments({{"btc", "tx-lost"}, {"xmr", "tx-named"}});
  EXPECT_TRUE(same_keys(counted, {{"btc", "tx-lost"}, {"xmr", "tx-named"}})) << describe(counted);
  EXPECT_EQ(payment_owner("btc", "tx-lost"), "");  // no order until the admin assigns it
  EXPECT_EQ(payment_owner("xmr", "tx-named"), "");

  const auto listed = store_.payments.list_exceptions("open", 10);
  ASSERT_EQ(txids(listed), (std::vector<std::string>{"tx-named", "tx-lost"}));
  const auto& n = listed[0];
  EXPECT_EQ(n.id, ids[1]);
  EXPECT_EQ(n.coin, "xmr");
  EXPECT_EQ(n.amount_atomic, "990000000000");
  EXPECT_EQ(n.received_at_ms, named.received_at_ms);
  EXPECT_EQ(n.memo, "memo of tx-named");
  EXPECT_EQ(n.reason, "no_matching_order");
  EXPECT_EQ(n.source, "watcher");
  EXPECT_EQ(n.status, "open");
  EXPECT_EQ(n.order_id, order.id);
  EXPECT_EQ(n.created_at_ms, named.created_at_ms);
  EXPECT_EQ(n.resolved_at_ms, 0);
  EXPECT_EQ(n.resolved_by, "");
  EXPECT_EQ(n.resolution, "");
  EXPECT_EQ(listed[1].id, ids[0]);
  EXPECT_EQ(listed[1].order_id, "");
}

TEST_F(payments_store, an_exception_without_memo_lists_an_empty_memo) {
  auto x = exception_for("btc", "tx-nomemo", "1000", t0_ms);
  x.memo = "";
  const auto ids = store_.payments.record_exceptions({x});
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(side_.count("select count(*) from payment_exceptions where memo is null"), 1);
  const auto found = store_.payments.find_exception(ids[0]);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->memo, "");
}

TEST_F(payments_store, a_payment_an_order_counted_is_not_recorded_as_an_exception) {
  auto order = place("CCC-000111");
  pay(order, payment("btc", "tx-paid", "200000"));

  const auto ids = store_.payments.record_exceptions({exception_for("btc", "tx-paid", "200000", t0_ms + minute_ms),
                                             exception_for("btc", "tx-new", "5000", t0_ms + minute_ms)});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], 0);
  EXPECT_GT(ids[1], 0);
  EXPECT_EQ(txids(store_.payments.list_exceptions("open", 10)), (std::vector<std::string>{"tx-new"}));
  EXPECT_EQ(payment_owner("btc", "tx-paid"), order.id);  // still the order's
}

TEST_F(payments_store, a_payment_recorded_as_an_exception_before_is_not_recorded_again) {
  const auto first = store_.payments.record_exceptions({exception_for("btc", "tx-twice", "7000", t0_ms)});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_GT(first[0], 0);

  const auto again = store_.payments.record_exceptions({exception_for("btc", "tx-twice", "7000", t0_ms + minute_ms)});
  EXPECT_EQ(again, std::vector<std::int64_t>{0});
  const auto listed = store_.payments.list_exceptions("open", 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, first[0]);
  EXPECT_EQ(listed[0].created_at_ms, t0_ms);
}

TEST_F(payments_store, the_same_txid_under_two_coins_is_two_payments) {
  const auto ids = store_.payments.record_exceptions(
      {exception_for("btc", "tx-shared", "1000", t0_ms), exception_for("xmr", "tx-shared", "2000", t0_ms + 1)});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_GT(ids[0], 0);
  EXPECT_GT(ids[1], 0);
  EXPECT_EQ(store_.payments.list_exceptions("open", 10).size(), 2u);
}

TEST_F(payments_store, one_call_with_the_same_payment_twice_lists_it_once) {
  const auto ids = store_.payments.record_exceptions({exception_for("btc", "tx-dup", "1000", t0_ms),
                                             exception_for("btc", "tx-dup", "1000", t0_ms + 1),
                                             exception_for("btc", "tx-other", "3000", t0_ms + 2)});
  ASSERT_EQ(ids.size(), 3u);
  // One of the two rows is the exception, the other was counted meanwhile (by it).
  EXPECT_EQ((ids[0] > 0) + (ids[1] > 0), 1) << "ids " << ids[0] << ", " << ids[1];
  EXPECT_GT(ids[2], 0);

  const auto listed = store_.payments.list_exceptions("open", 10);
  EXPECT_EQ(listed.size(), 2u);
  const auto all = txids(listed);
  EXPECT_EQ(std::count(all.begin(), all.end(), "tx-dup"), 1);
  EXPECT_EQ(side_.count("select count(*) from payment_exceptions where txid = 'tx-dup'"), 1);
}

// ---- list, find, close ----------------------------------------------------------

TEST_F(payments_store, exceptions_list_by_status_newest_first_within_the_limit) {
  const auto ids = store_.payments.record_exceptions({exception_for("btc", "tx-1", "1000", t0_ms),
                                             exception_for("btc", "tx-3", "1000", t0_ms + 2 * minute_ms),
                                             exception_for("btc", "tx-2", "1000", t0_ms + minute_ms),
                                             exception_for("btc", "tx-4", "1000", t0_ms + 3 * minute_ms)});
  ASSERT_EQ(ids.size(), 4u);
  ASSERT_TRUE(store_.payments.close_exception(ids[3], "dismissed", "", "test payment", "admin", t0_ms + 4 * minute_ms));

  EXPECT_EQ(txids(store_.payments.list_exceptions("open", 10)), (std::vector<std::string>{"tx-3", "tx-2", "tx-1"}));
  EXPECT_EQ(txids(store_.payments.list_exceptions("open", 2)), (std::vector<std::string>{"tx-3", "tx-2"}));
  EXPECT_EQ(txids(store_.payments.list_exceptions("dismissed", 10)), (std::vector<std::string>{"tx-4"}));
  EXPECT_TRUE(store_.payments.list_exceptions("resolved", 10).empty());
}

TEST_F(payments_store, exceptions_created_in_the_same_millisecond_list_the_later_id_first) {
  const auto first = store_.payments.record_exceptions({exception_for("btc", "tx-early", "1000", t0_ms)});
  const auto second = store_.payments.record_exceptions({exception_for("btc", "tx-late", "1000", t0_ms)});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  ASSERT_LT(first[0], second[0]);
  EXPECT_EQ(txids(store_.payments.list_exceptions("open", 10)), (std::vector<std::string>{"tx-late", "tx-early"}));
}

TEST_F(payments_store, find_exception_returns_the_row_or_nothing) {
  const auto x = exception_for("btc", "tx-find", "4242", t0_ms);
  const auto ids = store_.payments.record_exceptions({x});
  ASSERT_EQ(ids.size(), 1u);

  const auto found = store_.payments.find_exception(ids[0]);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, ids[0]);
  EXPECT_EQ(found->coin, "btc");
  EXPECT_EQ(found->txid, "tx-find");
  EXPECT_EQ(found->amount_atomic, "4242");
  EXPECT_EQ(found->received_at_ms, x.received_at_ms);
  EXPECT_EQ(found->memo, x.memo);
  EXPECT_EQ(found->status, "open");
  EXPECT_EQ(found->created_at_ms, t0_ms);

  EXPECT_FALSE(store_.payments.find_exception(ids[0] + 1000));
}

TEST_F(payments_store, closing_records_who_why_and_when_and_keeps_the_named_order) {
  auto order = place("CCC-000120");
  const auto ids = store_.payments.record_exceptions({exception_for("btc", "tx-close", "1000", t0_ms, order.id)});
  ASSERT_EQ(ids.size(), 1u);
  const std::int64_t at = t0_ms + 9 * minute_ms + 7;

  EXPECT_TRUE(store_.payments.close_exception(ids[0], "dismissed", "", "refunded by hand", "alice", at));
  const auto closed = store_.payments.find_exception(ids[0]);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->status, "dismissed");
  EXPECT_EQ(closed->resolution, "refunded by hand");
  EXPECT_EQ(closed->resolved_by, "alice");
  EXPECT_EQ(closed->resolved_at_ms, at);
  EXPECT_EQ(closed->order_id, order.id);  // '' keeps it

  // Closed once: a second close changes nothing.
  EXPECT_FALSE(store_.payments.close_exception(ids[0], "resolved", new_uuid(), "assigned", "bob", at + 1));
  const auto still = store_.payments.find_exception(ids[0]);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, "dismissed");
  EXPECT_EQ(still->resolved_by, "alice");
  EXPECT_EQ(still->resolved_at_ms, at);
  EXPECT_EQ(still->order_id, order.id);
}

TEST_F(payments_store, resolving_with_an_order_sets_it) {
  auto order = place("CCC-000121");
  const auto ids = store_.payments.record_exceptions({exception_for("btc", "tx-assign", "1000", t0_ms)});
  ASSERT_EQ(ids.size(), 1u);

  EXPECT_TRUE(store_.payments.close_exception(ids[0], "resolved", order.id, "assigned", "alice", t0_ms + minute_ms));
  const auto resolved = store_.payments.find_exception(ids[0]);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->status, "resolved");
  EXPECT_EQ(resolved->order_id, order.id);
  EXPECT_EQ(txids(store_.payments.list_exceptions("resolved", 10)), (std::vector<std::string>{"tx-assign"}));
  EXPECT_TRUE(store_.payments.list_exceptions("open", 10).empty());
}

TEST_F(payments_store, closing_an_unknown_exception_or_to_an_unknown_status_changes_nothing) {
  const auto ids = store_.payments.record_exceptions({exception_for("btc", "tx-keep", "1000", t0_ms)});
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_FALSE(store_.payments.close_exception(ids[0] + 1000, "dismissed", "", "nothing", "alice", t0_ms));
  EXPECT_THROW(store_.payments.close_exception(ids[0], "forgotten", "", "nothing", "alice", t0_ms), pqxx::check_violation);
  const auto kept = store_.payments.find_exception(ids[0]);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->status, "open");
  EXPECT_EQ(kept->resolved_at_ms, 0);
}

// ---- assignment -----------------------------------------------------------------

TEST_F(payments_store, an_assigned_exception_payment_becomes_the_orders_and_stays_so) {
  auto order = place("CCC-000130");
  auto other = place("CCC-000131");
  const auto ids = store_.payments.record_exceptions({exception_for("btc", "tx-late", "200000", t0_ms + minute_ms)});
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_EQ(payment_owner("btc", "tx-late"), "");

  // The admin assigns it: the order counts the payment, the exception is resolved.
  pay(order, payment("btc", "tx-late", "200000"));
  ASSERT_TRUE(store_.payments.close_exception(ids[0], "resolved", order.id, "assigned", "alice", t0_ms + 2 * minute_ms));
  EXPECT_EQ(payment_owner("btc", "tx-late"), order.id);
  EXPECT_FALSE(store_.payments.counted_payments({{"btc", "tx-late"}}).empty());
  EXPECT_EQ(side_.count("select count(*) from payments"), 1);

  // A later decision of another order counting it does not take it over.
  pay(other, payment("btc", "tx-late", "200000"));
  EXPECT_EQ(payment_owner("btc", "tx-late"), order.id);
}

TEST_F(payments_store, a_payment_counted_for_one_order_is_not_taken_over_by_another) {
  auto first = place("CCC-000132");
  auto second = place("CCC-000133");
  pay(first, payment("btc", "tx-mine", "200000"));
  pay(second, payment("btc", "tx-mine", "999"));

  EXPECT_EQ(payment_owner("btc", "tx-mine"), first.id);
  EXPECT_EQ(side_.query("select amount_atomic::text from payments where txid = 'tx-mine'")[0][0].as<std::string>(),
            "200000");
}

TEST_F(payments_store, two_orders_counting_one_payment_in_one_batch_do_not_fail_the_batch) {
  auto first = place("CCC-000134");
  auto second = place("CCC-000135");
  auto bystander = place("CCC-000136");
  const auto p = payment("btc", "tx-raced", "200000");

  std::vector<append_outcome> outcomes;
  ASSERT_NO_THROW(outcomes = store_.journal.append_batch({payment_item(first, p), payment_item(second, p),
                                                  next_item(bystander, "order_updated", R"({"note":"x"})")}));
  EXPECT_EQ(outcomes.size(), 3u);
  const auto owner = payment_owner("btc", "tx-raced");
  EXPECT_TRUE(owner == first.id || owner == second.id) << owner;
  EXPECT_EQ(bystander.version + 1, side_.count("select version from orders where id = $1::uuid", bystander.id));
}

// ---- exceptions raised by an order's decision ----------------------------------------

TEST_F(payments_store, exceptions_an_order_raises_are_listed_open_for_that_order) {
  auto order = place("CCC-000140");
  auto item = payment_item(order, payment("btc", "tx-partial", "150000"));
  auto x = exception_for("btc", "tx-partial", "150000", t0_ms + 6 * minute_ms);
  x.order_id = "";  // the item's order is implied
  x.reason = "partial_payment_after_expiry";
  item.exceptions.push_back(x);
  commit(order, item);

  const auto listed = store_.payments.list_exceptions("open", 10);
  ASSERT_EQ(listed.size(), 1u);
  const auto& r = listed[0];
  EXPECT_GT(r.id, 0);
  EXPECT_EQ(r.coin, "btc");
  EXPECT_EQ(r.txid, "tx-partial");
  EXPECT_EQ(r.amount_atomic, "150000");
  EXPECT_EQ(r.reason, "partial_payment_after_expiry");
  EXPECT_EQ(r.source, "order");
  EXPECT_EQ(r.status, "open");
  EXPECT_EQ(r.order_id, order.id);
  EXPECT_EQ(r.created_at_ms, x.created_at_ms);
  EXPECT_EQ(payment_owner("btc", "tx-partial"), order.id);  // counted for the order, not as an exception
}

// ---- payment_candidates ----------------------------------------------------------

TEST_F(payments_store, pending_orders_still_owing_within_the_tolerance_are_candidates) {
  const std::int64_t received = t0_ms + 10 * minute_ms;
  quote_columns q;
  q.outstanding_atomic = "100200";
  auto inside = place("CCC-000201", q);
  q.outstanding_atomic = "100000";
  auto at_least = place("CCC-000202", q);
  q.outstanding_atomic = "100500";
  auto at_most = place("CCC-000203", q);
  q.outstanding_atomic = "100200";
  q.expires_at_ms = received;  // the last valid moment
  auto expiring = place("CCC-000204", q);

  quote_columns miss;
  miss.outstanding_atomic = "99999";
  place("CCC-000205", miss);
  miss.outstanding_atomic = "100501";
  place("CCC-000206", miss);
  miss.outstanding_atomic = "50000";  // quoted 100200, half paid: owes less
  miss.quote_atomic = "100200";
  place("CCC-000207", miss);
  quote_columns xmr;
  xmr.coin = "xmr";
  xmr.outstanding_atomic = "100200";
  place("CCC-000208", xmr);

  const auto rows = store_.payments.payment_candidates({lookup("100000", "100500", received)});
  EXPECT_EQ(ids_for(rows, 0), (std::set<std::string>{inside.id, at_least.id, at_most.id, expiring.id}));

  const auto* c = find_candidate(rows, 0, inside.id);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->number, "CCC-000201");
  EXPECT_EQ(c->status, "pending");
  EXPECT_EQ(c->payment_address, "");
  EXPECT_EQ(c->quote_atomic, "200000");
  EXPECT_EQ(c->outstanding_atomic, "100200");
  EXPECT_EQ(c->quoted_at_ms, t0_ms);
  EXPECT_EQ(c->expires_at_ms, t0_ms + 30 * minute_ms);
  EXPECT_EQ(c->claimed_txid, "");
}

TEST_F(payments_store, a_lookup_without_a_maximum_wants_the_exact_amount) {
  quote_columns q;
  q.outstanding_atomic = "100000";
  auto exact = place("CCC-000210", q);
  q.outstanding_atomic = "100001";
  place("CCC-000211", q);
  EXPECT_EQ(ids_for(store_.payments.payment_candidates({lookup("100000", "")}), 0), (std::set<std::string>{exact.id}));
}

TEST_F(payments_store, closed_or_expired_orders_quoted_the_amount_are_hints) {
  const std::int64_t received = t0_ms + 40 * minute_ms;
  quote_columns expired;  // pending, but its quote ran out 10 minutes before
  expired.quote_atomic = "100200";
  expired.outstanding_atomic = "100200";
  auto late = place("CCC-000220", expired);

  quote_columns paid;
  paid.status = "paid";
  paid.quote_atomic = "100100";
  paid.outstanding_atomic = "0";
  paid.expires_at_ms = t0_ms + 60 * minute_ms;
  auto settled = place("CCC-000221", paid);

  quote_columns other_amount = paid;
  other_amount.status = "cancelled";
  other_amount.quote_atomic = "300000";
  place("CCC-000222", other_amount);
  quote_columns expired_other = expired;
  expired_other.quote_atomic = "300000";
  expired_other.outstanding_atomic = "100200";  // owes the amount, but its quote is over
  place("CCC-000223", expired_other);

  const auto rows = store_.payments.payment_candidates({lookup("100000", "100500", received)});
  EXPECT_EQ(ids_for(rows, 0), (std::set<std::string>{late.id, settled.id}));
  const auto* c = find_candidate(rows, 0, settled.id);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, "paid");
  EXPECT_EQ(c->quote_atomic, "100100");
  EXPECT_EQ(c->outstanding_atomic, "0");
}

TEST_F(payments_store, an_order_is_found_by_the_address_made_for_it) {
  quote_columns q;
  q.coin = "xmr";
  q.outstanding_atomic = "5";  // the amount would never find it
  q.payment_address = "84subaddressForOrder230";
  auto order = place("CCC-000230", q);

  auto l = lookup("100000", "100500");
  l.coin = "xmr";
  l.address = "84subaddressForOrder230";
  auto other = l;
  other.address = "84subaddressForNobody";

  const auto rows = store_.payments.payment_candidates({l, other});
  EXPECT_EQ(ids_for(rows, 0), (std::set<std::string>{order.id}));
  EXPECT_TRUE(ids_for(rows, 1).empty());
  const auto* c = find_candidate(rows, 0, order.id);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->payment_address, "84subaddressForOrder230");
}

TEST_F(payments_store, an_order_is_found_by_a_memo_naming_its_number) {
  quote_columns q;
  q.outstanding_atomic = "5";
  auto order = place("CCC-000240", q);

  auto exact = lookup("100000", "100500");
  exact.memo = "CCC-000240";
  auto lower = exact;
  lower.memo = "ccc-000240";
  auto prefix = exact;
  prefix.memo = "CCC-00024";

  const auto rows = store_.payments.payment_candidates({exact, lower, prefix});
  EXPECT_EQ(ids_for(rows, 0), (std::set<std::string>{order.id}));
  EXPECT_EQ(ids_for(rows, 1), (std::set<std::string>{order.id}));
  EXPECT_TRUE(ids_for(rows, 2).empty());
}

TEST_F(payments_store, an_order_is_found_by_its_customers_claim_of_the_tx) {
  quote_columns q;
  q.outstanding_atomic = "5";
  auto claimed = place("CCC-000250", q);
  claim(claimed, "c0ffee01");
  auto shouting = place("CCC-000251", q);
  claim(shouting, "C0FFEE02");  // typed in upper case; tx ids are looked up in lower case

  auto first = lookup("100000", "100500");
  first.txid = "c0ffee01";
  auto second = first;
  second.txid = "c0ffee02";
  auto unclaimed = first;
  unclaimed.txid = "c0ffee03";

  const auto rows = store_.payments.payment_candidates({first, second, unclaimed});
  EXPECT_EQ(ids_for(rows, 0), (std::set<std::string>{claimed.id}));
  EXPECT_EQ(ids_for(rows, 1), (std::set<std::string>{shouting.id}));
  EXPECT_TRUE(ids_for(rows, 2).empty());
  const auto* c = find_candidate(rows, 0, claimed.id);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->claimed_txid, "c0ffee01");
  EXPECT_EQ(c->number, "CCC-000250");
  const auto* s = find_candidate(rows, 1, shouting.id);
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->claimed_txid.empty());
}

TEST_F(payments_store, each_candidate_belongs_to_the_lookup_that_found_it) {
  quote_columns by_amount;
  by_amount.outstanding_atomic = "70000";
  auto a = place("CCC-000260", by_amount);
  quote_columns by_address;
  by_address.outstanding_atomic = "5";
  by_address.payment_address = "bc1-address-of-261";
  auto b = place("CCC-000261", by_address);
  quote_columns quiet;
  quiet.outstanding_atomic = "5";
  auto c = place("CCC-000262", quiet);
  auto d = place("CCC-000263", quiet);
  claim(d, "feed0263");

  auto amount = lookup("70000", "70000");
  auto address = lookup("1", "1");
  address.address = "bc1-address-of-261";
  auto memo = lookup("1", "1");
  memo.memo = "CCC-000262";
  auto nothing = lookup("1", "1");
  auto txid = lookup("1", "1");
  txid.txid = "feed0263";

  const auto rows = store_.payments.payment_candidates({amount, address, memo, nothing, txid});
  EXPECT_EQ(ids_for(rows, 0), (std::set<std::string>{a.id}));
  EXPECT_EQ(ids_for(rows, 1), (std::set<std::string>{b.id}));
  EXPECT_EQ(ids_for(rows, 2), (std::set<std::string>{c.id}));
  EXPECT_TRUE(ids_for(rows, 3).empty());
  EXPECT_EQ(ids_for(rows, 4), (std::set<std::string>{d.id}));
  for (const auto& r : rows) EXPECT_LT(r.lookup, 5u);
  EXPECT_TRUE(store_.payments.payment_candidates({}).empty());
}

TEST_F(payments_store, absent_address_memo_and_txid_match_nothing) {
  quote_columns q;
  q.outstanding_atomic = "5";
  auto plain = place("CCC-000270", q);  // static address: payment_address stays NULL
  claim(plain, "");                     // a claim without a tx id
  ASSERT_EQ(side_.count("select count(*) from orders where payment_address is null"), 1);

  auto l = lookup("100000", "100500");  // address, memo and txid empty
  EXPECT_TRUE(store_.payments.payment_candidates({l}).empty());
}

}  // namespace
