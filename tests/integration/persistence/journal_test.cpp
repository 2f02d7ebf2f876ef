// The journal: group-committed appends (single writer, one transaction per decision) against a real
// PostgreSQL. Each test gets its own freshly migrated database.

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "persistence_fixtures.hpp"

namespace {

using namespace persistence_fixtures;
using persistence::append_item;
using persistence::append_outcome;
using store = test_support::repositories;

constexpr auto committed = append_outcome::committed;
constexpr auto conflict = append_outcome::conflict;

class journal : public ::testing::Test {
 protected:
  test_support::test_database db_{"journal"};
  store store_{db_.app_url()};  // as the engine's runtime connects
  probe side_{db_.url()};

  std::int64_t orders_with_id(const std::string& id) {
    return side_.count("select count(*) from orders where id = $1::uuid", id);
  }
  std::int64_t customers_with_ref(const std::string& ref) {
    return side_.count("select count(*) from customers where ref = $1::uuid", ref);
  }
  std::string idempotency_owner(const std::string& key) {
    const auto rows = side_.query("select order_id::text from idempotency_keys where key = $1", key);
    return rows.empty() ? std::string{} : rows[0][0].as<std::string>();
  }
  // Blocks until `count` sessions of this database wait for a lock: the
  // moment a concurrent writer is parked behind an in-flight transaction.
  void wait_for_lock_waiters(int count) {
    for (int attempt = 0; attempt < 2000; ++attempt) {
      if (side_.count("select count(*) from pg_stat_activity where datname = $1 and "
                      "wait_event_type = 'Lock'",
                      db_.name()) >= count)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL() << "no session ever waited for the lock";
  }
};

TEST_F(journal, a_checkout_round_trips_events_read_model_and_customer) {
  const auto order = new_uuid();
  const auto item = checkout_for(order, "CCC-000101", "ada@example.com", "key-1");

  ASSERT_EQ(store_.journal.append_batch({item}), std::vector<append_outcome>{committed});

  const auto events = store_.journal.load_events(order);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].order_id, order);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[0].type, "order_placed");
  EXPECT_EQ(nlohmann::json::parse(events[0].payload_json), nlohmann::json::parse(item.events[0].payload_json));
  EXPECT_EQ(events[0].recorded_at_ms, item.events[0].recorded_at_ms);  // to the millisecond

  const auto row = store_.orders.find_order(order);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->id, order);
  EXPECT_EQ(row->number, "CCC-000101");
  EXPECT_EQ(row->status, "pending");
  EXPECT_EQ(row->customer_ref, item.read_model.customer_ref);
  EXPECT_EQ(row->payment_method, "btc");
  EXPECT_EQ(row->total_cents, 4599);
  EXPECT_EQ(row->created_at_ms, item.read_model.created_at_ms);
  EXPECT_EQ(row->updated_at_ms, item.read_model.updated_at_ms);
  EXPECT_EQ(row->version, 1);
  EXPECT_EQ(nlohmann::json::parse(row->view_json), nlohmann::json::parse(item.read_model.view_json));

  const auto by_number = store_.orders.find_order_by_number("CCC-000101");
  ASSERT_TRUE(by_number);
  EXPECT_EQ(by_number->id, order);

  const auto customer = store_.orders.find_customer(item.read_model.customer_ref);
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->name, "Ada Lovelace");
  EXPECT_EQ(customer->email, "ada@example.com");
  EXPECT_EQ(nlohmann::json::parse(customer->shipping_json)["city"], "Cleveland");
  EXPECT_EQ(customer->created_at_ms, item.customer->created_at_ms);
  EXPECT_EQ(idempotency_owner("key-1"), order);

  EXPECT_FALSE(store_.orders.find_order(new_uuid()));
  EXPECT_FALSE(store_.orders.find_order_by_number("CCC-999999"));
  EXPECT_FALSE(store_.orders.find_customer(new_uuid()));
  EXPECT_TRUE(store_.journal.load_events(new_uuid()).empty());
}

TEST_F(journal, text_that_needs_escaping_survives_the_batch_encoding) {
  const auto order = new_uuid();
  auto item = checkout_for(order, "CCC-000102", "o'neil\"quote\\@example.com", "");
  item.customer->name = "Zoë \"Z\" O'Neil\\\n\t😀\x01\x1f";
  item.events[0].payload_json = R"({"text":"line\nbreak \"quoted\" back\\slash ünï"})";

  ASSERT_EQ(store_.journal.append_batch({item}), std::vector<append_outcome>{committed});

  const auto customer = store_.orders.find_customer(item.read_model.customer_ref);
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->name, item.customer->name);
  EXPECT_EQ(customer->email, item.customer->email);
  EXPECT_EQ(nlohmann::json::parse(store_.journal.load_events(order)[0].payload_json)["text"],
            "line\nbreak \"quoted\" back\\slash ünï");
}

TEST_F(journal, events_of_an_order_come_back_in_seq_order_across_appends) {
  const auto order = new_uuid();
  const auto customer = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({item_for(order, 1, 2, "CCC-000103", customer)}),
            std::vector<append_outcome>{committed});
  ASSERT_EQ(store_.journal.append_batch({item_for(order, 3, 3, "CCC-000103", customer)}),
            std::vector<append_outcome>{committed});

  const auto events = store_.journal.load_events(order);
  ASSERT_EQ(events.size(), 5u);
  for (std::size_t k = 0; k < events.size(); ++k) EXPECT_EQ(events[k].seq, static_cast<std::int64_t>(k + 1));
  EXPECT_EQ(store_.orders.find_order(order)->version, 5);
}

TEST_F(journal, a_batch_of_many_orders_commits_in_one_transaction) {
  constexpr int orders = 300;
  std::vector<append_item> batch;
  for (int k = 0; k < orders; ++k)
    batch.push_back(checkout_for(new_uuid(), "CCC-" + std::to_string(200000 + k),
                                 "buyer" + std::to_string(k) + "@example.com", "batch-key-" + std::to_string(k)));

  const auto outcomes = store_.journal.append_batch(batch);
  EXPECT_EQ(outcomes, std::vector<append_outcome>(orders, committed));

  EXPECT_EQ(side_.count("select count(*) from events"), orders);
  EXPECT_EQ(side_.count("select count(*) from orders"), orders);
  EXPECT_EQ(side_.count("select count(*) from customers"), orders);
  EXPECT_EQ(side_.count("select count(*) from idempotency_keys"), orders);
  // Every row written by one transaction carries its id as xmin.
  EXPECT_EQ(side_.count("select count(distinct x) from ("
                        " select xmin::text as x from events union all"
                        " select xmin::text from orders union all"
                        " select xmin::text from customers union all"
                        " select xmin::text from idempotency_keys) as all_rows"),
            1);
}

// The common case is one call to the database, its own transaction: no BEGIN,
// no separate claim, no COMMIT. PostgreSQL itself counts the calls
// (track_functions); a session publishes its counts at the latest when it ends.
TEST_F(journal, a_batch_in_which_nothing_is_taken_is_written_by_one_call) {
  side_.query("alter database " + db_.name() + " set track_functions = 'pl'");
  const auto first = new_uuid();
  const auto second = new_uuid();
  {
    store counted{db_.app_url()};  // a session that starts after the setting
    ASSERT_EQ(counted.journal.append_batch({checkout_for(first, "CCC-000120", "one@example.com", "key-one"),
                                            checkout_for(second, "CCC-000121", "two@example.com", "key-two")}),
              (std::vector<append_outcome>{committed, committed}));
  }
  const auto calls_of = [this](const std::string& function) {
    return side_.count("select coalesce(sum(calls), 0)::bigint from pg_stat_user_functions where funcname = $1",
                       function);
  };
  for (int attempt = 0; attempt < 50 && calls_of("journal_append_at_once") == 0; ++attempt)
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  EXPECT_EQ(calls_of("journal_append_at_once"), 1);
  EXPECT_EQ(calls_of("journal_write_rows"), 1);
  EXPECT_EQ(side_.events_of(first), 1);
  EXPECT_EQ(side_.events_of(second), 1);
  EXPECT_EQ(idempotency_owner("key-two"), second);
  EXPECT_EQ(customers_with_ref(store_.orders.find_order(second)->customer_ref), 1);
}

TEST_F(journal, a_taken_seq_is_a_conflict_that_writes_nothing_while_the_rest_commits) {
  const auto first = new_uuid();
  const auto original = checkout_for(first, "CCC-000104", "first@example.com", "key-first");
  ASSERT_EQ(store_.journal.append_batch({original}), std::vector<append_outcome>{committed});

  // Another node decided seq 1 of the same order differently.
  auto rival = checkout_for(first, "CCC-000105", "rival@example.com", "key-rival");
  rival.events[0].payload_json = R"({"rival":true})";
  const auto other = new_uuid();
  const auto bystander = checkout_for(other, "CCC-000106", "other@example.com", "key-other");

  EXPECT_EQ(store_.journal.append_batch({rival, bystander}), (std::vector<append_outcome>{conflict, committed}));

  const auto events = store_.journal.load_events(first);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(events[0].payload_json), nlohmann::json::parse(original.events[0].payload_json));
  EXPECT_EQ(store_.orders.find_order(first)->number, "CCC-000104");
  EXPECT_FALSE(store_.orders.find_order_by_number("CCC-000105"));
  EXPECT_EQ(customers_with_ref(rival.read_model.customer_ref), 0);
  EXPECT_EQ(idempotency_owner("key-rival"), "");

  EXPECT_EQ(store_.journal.load_events(other).size(), 1u);
  EXPECT_TRUE(store_.orders.find_order(other));
  EXPECT_EQ(customers_with_ref(bystander.read_model.customer_ref), 1);
  EXPECT_EQ(idempotency_owner("key-other"), other);
}

TEST_F(journal, a_partly_taken_item_removes_the_events_it_did_insert) {
  const auto order = new_uuid();
  const auto customer = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({item_for(order, 1, 1, "CCC-000107", customer)}),
            std::vector<append_outcome>{committed});
  // Another writer got seq 3 in.
  auto theirs = item_for(order, 3, 1, "CCC-000107", customer);
  theirs.events[0].payload_json = R"({"writer":"theirs"})";
  ASSERT_EQ(store_.journal.append_batch({theirs}), std::vector<append_outcome>{committed});

  // Ours: seqs 2 and 3. Seq 2 inserts, seq 3 does not.
  EXPECT_EQ(store_.journal.append_batch({item_for(order, 2, 2, "CCC-000107", customer)}),
            std::vector<append_outcome>{conflict});

  const auto events = store_.journal.load_events(order);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[1].seq, 3);
  EXPECT_EQ(nlohmann::json::parse(events[1].payload_json)["writer"], "theirs");
}

TEST_F(journal, later_items_of_an_order_fall_with_an_earlier_conflicting_one) {
  const auto order = new_uuid();
  const auto customer = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({item_for(order, 1, 2, "CCC-000108", customer)}),
            std::vector<append_outcome>{committed});

  // Seq 2 is taken; seq 3 was decided on top of our seq 2.
  EXPECT_EQ(store_.journal.append_batch(
                {item_for(order, 2, 1, "CCC-000108", customer), item_for(order, 3, 1, "CCC-000108", customer)}),
            (std::vector<append_outcome>{conflict, conflict}));
  EXPECT_EQ(side_.events_of(order), 2);
  EXPECT_EQ(store_.orders.find_order(order)->version, 2);

  // Both free: both commit, and the read model ends at the later one.
  EXPECT_EQ(store_.journal.append_batch(
                {item_for(order, 3, 1, "CCC-000108", customer), item_for(order, 4, 2, "CCC-000108", customer)}),
            (std::vector<append_outcome>{committed, committed}));
  EXPECT_EQ(side_.events_of(order), 5);
  EXPECT_EQ(store_.orders.find_order(order)->version, 5);
}

TEST_F(journal, the_same_seq_twice_in_one_batch_commits_only_the_first) {
  const auto order = new_uuid();
  const auto customer = new_uuid();
  auto first = item_for(order, 1, 1, "CCC-000109", customer);
  first.events[0].payload_json = R"({"which":"first"})";
  auto second = item_for(order, 1, 1, "CCC-000109", customer);
  second.events[0].payload_json = R"({"which":"second"})";

  EXPECT_EQ(store_.journal.append_batch({first, second}), (std::vector<append_outcome>{committed, conflict}));
  const auto events = store_.journal.load_events(order);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(events[0].payload_json)["which"], "first");
}

TEST_F(journal, an_idempotency_key_held_by_another_order_is_a_conflict) {
  const auto owner = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({checkout_for(owner, "CCC-000110", "a@example.com", "shared")}),
            std::vector<append_outcome>{committed});

  const auto intruder = new_uuid();
  const auto intruding = checkout_for(intruder, "CCC-000111", "b@example.com", "shared");
  const auto bystander = new_uuid();
  EXPECT_EQ(store_.journal.append_batch({intruding, checkout_for(bystander, "CCC-000112", "c@example.com", "own-key")}),
            (std::vector<append_outcome>{conflict, committed}));

  EXPECT_EQ(side_.events_of(intruder), 0);
  EXPECT_EQ(orders_with_id(intruder), 0);
  EXPECT_EQ(customers_with_ref(intruding.read_model.customer_ref), 0);
  EXPECT_EQ(idempotency_owner("shared"), owner);
  EXPECT_EQ(side_.events_of(bystander), 1);
  EXPECT_EQ(idempotency_owner("own-key"), bystander);
}

TEST_F(journal, one_idempotency_key_for_two_orders_in_one_batch_commits_only_the_first) {
  const auto first = new_uuid();
  const auto second = new_uuid();
  EXPECT_EQ(store_.journal.append_batch({checkout_for(first, "CCC-000113", "a@example.com", "dup"),
                                 checkout_for(second, "CCC-000114", "b@example.com", "dup")}),
            (std::vector<append_outcome>{committed, conflict}));
  EXPECT_EQ(idempotency_owner("dup"), first);
  EXPECT_EQ(side_.events_of(second), 0);
  EXPECT_EQ(orders_with_id(second), 0);
}

TEST_F(journal, a_key_conflict_also_fails_later_items_of_that_order_and_drops_their_rows) {
  const auto owner = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({checkout_for(owner, "CCC-000115", "a@example.com", "taken")}),
            std::vector<append_outcome>{committed});

  const auto order = new_uuid();
  auto placing = checkout_for(order, "CCC-000116", "b@example.com", "taken");
  auto follow_up = item_for(order, 2, 1, "CCC-000116", placing.read_model.customer_ref);
  EXPECT_EQ(store_.journal.append_batch({placing, follow_up}), (std::vector<append_outcome>{conflict, conflict}));
  EXPECT_EQ(side_.events_of(order), 0);
  EXPECT_EQ(orders_with_id(order), 0);
}

// The runtime may not delete events nor idempotency keys (ccc_app, migration
// 008; store_ connects as it): rows a conflicting item did insert go by
// rolling the batch back and writing it again without that item.
TEST_F(journal, items_that_must_leave_no_trace_are_rolled_back_and_the_rest_commits_in_one_transaction) {
  const auto taken = new_uuid();
  const auto taken_customer = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({item_for(taken, 1, 1, "CCC-000160", taken_customer)}),
            std::vector<append_outcome>{committed});
  auto theirs = item_for(taken, 3, 1, "CCC-000160", taken_customer);
  theirs.events[0].payload_json = R"({"writer":"theirs"})";
  ASSERT_EQ(store_.journal.append_batch({theirs}), std::vector<append_outcome>{committed});
  const auto key_owner = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({checkout_for(key_owner, "CCC-000161", "a@example.com", "held")}),
            std::vector<append_outcome>{committed});

  const auto first = new_uuid();
  const auto intruder = new_uuid();
  const auto last = new_uuid();
  const auto intruding = checkout_for(intruder, "CCC-000163", "b@example.com", "held");
  const std::vector<append_item> batch{
      checkout_for(first, "CCC-000162", "c@example.com", "first-key"),
      item_for(taken, 2, 2, "CCC-000160", taken_customer),                        // seq 2 inserts, seq 3 does not
      intruding,                                                                  // its events insert, its key does not
      item_for(intruder, 2, 1, "CCC-000163", intruding.read_model.customer_ref),  // on top of it
      checkout_for(last, "CCC-000164", "d@example.com", "last-key"),
  };
  EXPECT_EQ(store_.journal.append_batch(batch),
            (std::vector<append_outcome>{committed, conflict, conflict, conflict, committed}));

  const auto events = store_.journal.load_events(taken);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(nlohmann::json::parse(events[1].payload_json)["writer"], "theirs");
  EXPECT_EQ(side_.events_of(intruder), 0);
  EXPECT_EQ(orders_with_id(intruder), 0);
  EXPECT_EQ(customers_with_ref(intruding.read_model.customer_ref), 0);
  EXPECT_EQ(idempotency_owner("held"), key_owner);
  EXPECT_EQ(idempotency_owner("first-key"), first);
  EXPECT_EQ(idempotency_owner("last-key"), last);
  EXPECT_EQ(
      side_.count("select count(distinct xmin::text) from events where order_id in ($1::uuid, $2::uuid)", first, last),
      1)
      << "the items that commit commit together";
}

TEST_F(journal, a_key_committed_by_a_concurrent_transaction_is_seen_as_taken) {
  // Another node's checkout holds the key, not yet committed.
  pqxx::connection other_node{db_.url()};
  pqxx::work in_flight{other_node};
  const auto other_order = new_uuid();
  in_flight.exec_params("insert into idempotency_keys (key, fingerprint, order_id) values ($1, 'fp', $2::uuid)",
                        std::string{"racing-key"}, other_order);

  const auto order = new_uuid();
  auto pending = std::async(std::launch::async, [&] {
    return store_.journal.append_batch({checkout_for(order, "CCC-000117", "a@example.com", "racing-key")});
  });
  wait_for_lock_waiters(1);
  in_flight.commit();

  EXPECT_EQ(pending.get(), std::vector<append_outcome>{conflict});
  EXPECT_EQ(side_.events_of(order), 0);
  EXPECT_EQ(idempotency_owner("racing-key"), other_order);
}

TEST_F(journal, a_seq_held_by_a_concurrent_transaction_decides_on_its_outcome) {
  const auto customer = new_uuid();
  for (const bool other_commits : {true, false}) {
    const auto order = new_uuid();
    pqxx::connection other_node{db_.url()};
    pqxx::work in_flight{other_node};
    in_flight.exec_params(
        "insert into events (order_id, seq, type, payload, recorded_at) "
        "values ($1::uuid, 1, 'order_placed', '{}', now())",
        order);

    auto pending = std::async(std::launch::async, [&] {
      return store_.journal.append_batch({item_for(order, 1, 1, "CCC-00012" + std::to_string(other_commits), customer)});
    });
    wait_for_lock_waiters(1);
    if (other_commits)
      in_flight.commit();
    else
      in_flight.abort();

    EXPECT_EQ(pending.get(), std::vector<append_outcome>{other_commits ? conflict : committed});
    EXPECT_EQ(orders_with_id(order), other_commits ? 0 : 1);
  }
}

TEST_F(journal, the_read_model_never_goes_back_to_a_lower_version) {
  const auto order = new_uuid();
  const auto customer = new_uuid();
  ASSERT_EQ(store_.journal.append_batch({item_for(order, 1, 3, "CCC-000130", customer)}),
            std::vector<append_outcome>{committed});

  // A writer whose read model lags behind its events.
  auto stale = item_for(order, 4, 1, "CCC-000130", customer);
  stale.read_model.version = 2;
  stale.read_model.status = "cancelled";
  ASSERT_EQ(store_.journal.append_batch({stale}), std::vector<append_outcome>{committed});
  EXPECT_EQ(store_.orders.find_order(order)->version, 3);
  EXPECT_EQ(store_.orders.find_order(order)->status, "pending");

  // Two items of one order in one batch, higher version first.
  auto newer = item_for(order, 5, 2, "CCC-000130", customer);  // version 6
  newer.read_model.status = "paid";
  auto older_view = item_for(order, 7, 1, "CCC-000130", customer);
  older_view.read_model.version = 5;
  older_view.read_model.status = "cancelled";
  ASSERT_EQ(store_.journal.append_batch({newer, older_view}), (std::vector<append_outcome>{committed, committed}));
  const auto row = store_.orders.find_order(order);
  EXPECT_EQ(row->version, 6);
  EXPECT_EQ(row->status, "paid");

  // A higher version replaces it, keeping the order's creation time.
  auto forward = item_for(order, 8, 1, "CCC-000130", customer, t0_ms + 999'999);
  forward.read_model.status = "shipped";
  ASSERT_EQ(store_.journal.append_batch({forward}), std::vector<append_outcome>{committed});
  EXPECT_EQ(store_.orders.find_order(order)->version, 8);
  EXPECT_EQ(store_.orders.find_order(order)->status, "shipped");
  EXPECT_EQ(store_.orders.find_order(order)->created_at_ms, t0_ms);
}

// A new order's rows go in by plain INSERTs (migration 027): placed and
// changed in one batch, the order is written once, at its latest version,
// with that version's KPI facts and the timers of both decisions.
TEST_F(journal, an_order_placed_and_changed_in_one_batch_is_written_at_its_latest_version) {
  const auto order = new_uuid();
  auto placed = checkout_for(order, "CCC-000140", "placed@example.com", "key-140");
  placed.timers_set.push_back({"payment_reminder", t0_ms + 3'600'000});
  auto paid = item_for(order, 2, 1, "CCC-000140", placed.read_model.customer_ref);
  paid.read_model.status = "paid";
  paid.read_model.kpi.paid = true;
  paid.timers_set.push_back({"review_request", t0_ms + 7'200'000});

  ASSERT_EQ(store_.journal.append_batch({placed, paid}), (std::vector<append_outcome>{committed, committed}));

  const auto row = store_.orders.find_order(order);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->version, 2);
  EXPECT_EQ(row->status, "paid");
  EXPECT_EQ(side_.count("select count(*) from order_kpis where order_id = $1::uuid and paid", order), 1);
  EXPECT_EQ(side_.count("select count(*) from timers where order_id = $1::uuid", order), 2);
  EXPECT_EQ(customers_with_ref(placed.read_model.customer_ref), 1);
}

// Rows without the new-order mark, as an engine from before migration 027
// sends them during a rolling upgrade, still take the upserts: a later
// version replaces the row and its KPI facts, an earlier one does not.
TEST_F(journal, rows_without_the_new_order_mark_are_upserted_by_version) {
  const auto order = new_uuid();
  const auto placed = checkout_for(order, "CCC-000141", "upgrade@example.com", "key-141");
  ASSERT_EQ(store_.journal.append_batch({placed}), std::vector<append_outcome>{committed});
  const auto write_order = [&](int version, const std::string& status, int paid) {
    const nlohmann::json rows = nlohmann::json::array({{
        {"id", order},
        {"number", "CCC-000141"},
        {"status", status},
        {"customer_ref", placed.read_model.customer_ref},
        {"payment_method", "xmr"},
        {"total_cents", 4599},
        {"created_at_ms", t0_ms},
        {"updated_at_ms", t0_ms + version},
        {"version", version},
        {"view", R"({"status":")" + status + R"("})"},
        {"quote_atomic", "4599"},
        {"outstanding_atomic", "0"},
        {"refund_due_atomic", "0"},
        {"refunded_atomic", "0"},
        {"refund_outstanding_atomic", "0"},
        {"kpi_paid", paid},
        {"kpi_delivered", 0},
        {"kpi_reviewed", 0},
        {"kpi_refunded_cents", 0},
    }});
    side_.query("select journal_write_rows('[]', '[]', $1::json, '[]', '[]', '[]')", rows.dump());
  };

  write_order(2, "paid", 1);
  EXPECT_EQ(store_.orders.find_order(order)->status, "paid");
  EXPECT_EQ(side_.count("select count(*) from order_kpis where order_id = $1::uuid and paid", order), 1);

  write_order(1, "cancelled", 0);
  EXPECT_EQ(store_.orders.find_order(order)->status, "paid");
  EXPECT_EQ(side_.count("select count(*) from order_kpis where order_id = $1::uuid and paid", order), 1);
}

TEST_F(journal, a_customer_is_written_once) {
  const auto first = checkout_for(new_uuid(), "CCC-000131", "first@example.com", "");
  auto second = checkout_for(new_uuid(), "CCC-000132", "second@example.com", "");
  second.read_model.customer_ref = first.read_model.customer_ref;
  second.customer->ref = first.read_model.customer_ref;
  second.customer->name = "Someone Else";

  EXPECT_EQ(store_.journal.append_batch({first}), std::vector<append_outcome>{committed});
  EXPECT_EQ(store_.journal.append_batch({second}), std::vector<append_outcome>{committed});
  EXPECT_EQ(store_.orders.find_customer(first.read_model.customer_ref)->name, "Ada Lovelace");
}

TEST_F(journal, two_nodes_racing_for_the_same_orders_never_both_win_nor_deadlock) {
  store other_node{db_.app_url()};
  constexpr int rounds = 40;
  for (int round = 0; round < rounds; ++round) {
    const auto x = new_uuid();
    const auto y = new_uuid();
    const auto cx = new_uuid();
    const auto cy = new_uuid();
    const auto nx = "CCC-3" + std::to_string(round * 2);
    const auto ny = "CCC-3" + std::to_string(round * 2 + 1);
    // Opposite item order: without key-ordered writes this deadlocks.
    std::promise<void> go;
    auto start = go.get_future().share();
    auto a = std::async(std::launch::async, [&] {
      start.wait();
      return store_.journal.append_batch({item_for(x, 1, 1, nx, cx), item_for(y, 1, 1, ny, cy)});
    });
    auto b = std::async(std::launch::async, [&] {
      start.wait();
      return other_node.journal.append_batch({item_for(y, 1, 1, ny, cy), item_for(x, 1, 1, nx, cx)});
    });
    go.set_value();
    const auto from_a = a.get();  // throws (deadlock_detected) if they deadlocked
    const auto from_b = b.get();
    EXPECT_EQ((from_a[0] == committed) + (from_b[1] == committed), 1) << "round " << round;
    EXPECT_EQ((from_a[1] == committed) + (from_b[0] == committed), 1) << "round " << round;
    EXPECT_EQ(side_.events_of(x), 1);
    EXPECT_EQ(side_.events_of(y), 1);
  }
}

TEST_F(journal, a_malformed_item_is_refused_before_anything_is_written) {
  const auto good = new_uuid();
  const auto customer = new_uuid();
  auto gap = item_for(new_uuid(), 1, 2, "CCC-000140", customer);
  gap.events[1].seq = 3;
  EXPECT_THROW(store_.journal.append_batch({item_for(good, 1, 1, "CCC-000141", customer), gap}), std::invalid_argument);

  auto foreign_event = item_for(new_uuid(), 1, 1, "CCC-000142", customer);
  foreign_event.events[0].order_id = new_uuid();
  EXPECT_THROW(store_.journal.append_batch({foreign_event}), std::invalid_argument);

  append_item no_events;
  no_events.read_model = order_row_for(new_uuid(), "CCC-000143", customer, 1);
  EXPECT_THROW(store_.journal.append_batch({no_events}), std::invalid_argument);

  EXPECT_EQ(side_.count("select count(*) from events"), 0);
  EXPECT_EQ(side_.count("select count(*) from orders"), 0);
}

TEST_F(journal, a_database_error_fails_the_whole_batch_and_the_store_recovers) {
  const auto good = new_uuid();
  const auto customer = new_uuid();
  auto broken = item_for(new_uuid(), 1, 1, "CCC-000150", customer);
  broken.events[0].payload_json = "{not json";

  EXPECT_THROW(store_.journal.append_batch({item_for(good, 1, 1, "CCC-000151", customer), broken}), pqxx::sql_error);
  EXPECT_EQ(side_.count("select count(*) from events"), 0);
  EXPECT_EQ(side_.count("select count(*) from orders"), 0);

  EXPECT_EQ(store_.journal.append_batch({item_for(good, 1, 1, "CCC-000151", customer)}),
            std::vector<append_outcome>{committed});
}

TEST_F(journal, an_empty_batch_is_a_no_op) {
  EXPECT_TRUE(store_.journal.append_batch({}).empty());
}

}  // namespace
