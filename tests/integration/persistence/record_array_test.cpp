// The journal's rows go to PostgreSQL in its binary form, one array of a
// composite type per table (persistence/record_array.hpp, migration 030):
// every field arrives as it was sent, whatever characters a text holds, and
// rows whose fields do not match the type are refused, writing nothing.

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "persistence/pq_connection.hpp"
#include "persistence/record_array.hpp"
#include "persistence_fixtures.hpp"

using namespace persistence_fixtures;
using test_support::test_database;

namespace {

std::uint32_t type_oid(pqxx::connection& conn, const std::string& type) {
  pqxx::nontransaction txn{conn};
  return txn.exec1("select '" + type + "'::regtype::oid")[0].as<std::uint32_t>();
}

TEST(record_array, every_field_arrives_in_postgresql_as_it_was_sent) {
  test_database db{"record_array"};
  pqxx::connection conn{db.url()};
  std::string every_control;
  for (int c = 1; c < 0x20; ++c) every_control.push_back(static_cast<char>(c));
  const std::vector<std::string> payloads = {
      R"({"name":"Ada \"the\" Countess","path":"C:\\shop\\"})",
      every_control + "\"'{},\\",
      "Zoë Ångström, 東京, \xF0\x9F\x96\xA8",
      std::string(70000, 'x'),
  };
  const std::vector<std::string> ids = {"0f8fad5b-d9cb-469f-a165-70867728950e", "7C9E6679-7425-40DE-944B-E07FC1F90AE7",
                                        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"};
  const std::vector<std::int64_t> numbers = {1, -1, std::numeric_limits<std::int64_t>::max(),
                                             std::numeric_limits<std::int64_t>::min()};
  persistence::record_array rows{type_oid(conn, "journal_event")};
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    rows.begin_row();
    rows.int4(static_cast<std::int32_t>(i) - 2);
    rows.uuid(ids[i]);
    rows.int8(numbers[i]);
    rows.text(i == 0 ? std::string{} : "type " + std::to_string(i));
    rows.int8(1764979200000 + static_cast<std::int64_t>(i));
    rows.text_or_null(payloads[i]);
    rows.end_row();
  }
  ASSERT_EQ(rows.size(), payloads.size());

  pqxx::nontransaction txn{conn};
  conn.prepare("fields",
               "select item, order_id::text, seq, type, type is null, recorded_at_ms, payload "
               "from unnest($1::journal_event[]) with ordinality as r(item, order_id, seq, type, recorded_at_ms, "
               "payload, n) order by n");
  const auto result = txn.exec_prepared("fields", pqxx::binarystring{rows.take()});
  ASSERT_EQ(result.size(), payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto& row = result[i];
    EXPECT_EQ(row[0].as<int>(), static_cast<int>(i) - 2) << "row " << i;
    std::string id = ids[i];
    for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(row[1].as<std::string>(), id) << "row " << i;
    EXPECT_EQ(row[2].as<std::int64_t>(), numbers[i]) << "row " << i;
    EXPECT_FALSE(row[4].as<bool>()) << "empty text stays text, row " << i;
    EXPECT_EQ(row[3].as<std::string>(), i == 0 ? std::string{} : "type " + std::to_string(i)) << "row " << i;
    EXPECT_EQ(row[5].as<std::int64_t>(), 1764979200000 + static_cast<std::int64_t>(i)) << "row " << i;
    EXPECT_EQ(row[6].as<std::string>(), payloads[i]) << "row " << i;
  }
  EXPECT_EQ(rows.size(), 0u) << "take() leaves the builder empty";
}

TEST(record_array, nulls_and_booleans_arrive_as_sent_and_an_empty_array_has_no_rows) {
  test_database db{"record_array_nulls"};
  pqxx::connection conn{db.url()};
  persistence::record_array rows{type_oid(conn, "journal_timer")};
  for (bool flag : {true, false}) {
    rows.begin_row();
    rows.uuid("0f8fad5b-d9cb-469f-a165-70867728950e");
    rows.text_or_null("");
    if (flag)
      rows.null_int8();
    else
      rows.int8(42);
    rows.boolean(flag);
    rows.end_row();
  }
  pqxx::nontransaction txn{conn};
  conn.prepare("timers",
               "select kind is null, due_at_ms is null, coalesce(due_at_ms, 0), new_order "
               "from unnest($1::journal_timer[]) with ordinality as r(order_id, kind, due_at_ms, new_order, n) "
               "order by n");
  const auto result = txn.exec_prepared("timers", pqxx::binarystring{rows.take()});
  ASSERT_EQ(result.size(), 2u);
  EXPECT_TRUE(result[0][0].as<bool>());
  EXPECT_TRUE(result[0][1].as<bool>());
  EXPECT_TRUE(result[0][3].as<bool>());
  EXPECT_FALSE(result[1][1].as<bool>());
  EXPECT_EQ(result[1][2].as<std::int64_t>(), 42);
  EXPECT_FALSE(result[1][3].as<bool>());

  conn.prepare("count", "select coalesce(cardinality($1::journal_timer[]), 0)");
  EXPECT_EQ(txn.exec_prepared1("count", pqxx::binarystring{rows.take()})[0].as<int>(), 0);
}

TEST(record_array, a_text_that_is_not_a_uuid_is_refused_before_anything_is_sent) {
  persistence::record_array rows{1};
  rows.begin_row();
  EXPECT_THROW(rows.uuid("0f8fad5b-d9cb-469f-a165-70867728950"), std::invalid_argument) << "too short";
  EXPECT_THROW(rows.uuid("0f8fad5b-d9cb-469f-a165-70867728950g"), std::invalid_argument) << "not hex";
  EXPECT_THROW(rows.uuid("0f8fad5bd-9cb-469f-a165-70867728950e"), std::invalid_argument) << "dash misplaced";
  EXPECT_NO_THROW(rows.uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
}

TEST(record_array, the_journal_refuses_rows_unlike_their_type_and_writes_nothing) {
  test_database db{"record_array_refused"};
  pqxx::connection conn{db.url()};
  const auto order = new_uuid();
  const auto events_type = type_oid(conn, "journal_event");
  const auto call = [&](bool whole_row) -> std::string {
    persistence::record_array events{events_type};
    events.begin_row();
    events.int4(0);
    events.uuid(order);
    events.int8(1);
    events.text("order_placed");
    events.int8(1764979200000);
    if (whole_row) events.text_or_null(R"({"total_cents":100})");  // without it, one field short
    events.end_row();
    std::vector<pqxx::binarystring> none;
    for (const char* type : {"journal_key", "journal_timer_cleared", "journal_customer", "journal_order",
                             "journal_timer", "journal_mail", "journal_hook"})
      none.emplace_back(persistence::record_array{type_oid(conn, type)}.take());
    pqxx::nontransaction txn{conn};
    conn.prepare("append",
                 "select journal_append_at_once('', $1::journal_event[], $2::journal_key[], "
                 "$3::journal_timer_cleared[], $4::journal_customer[], $5::journal_order[], $6::journal_timer[], "
                 "$7::journal_mail[], $8::journal_hook[])");
    try {
      txn.exec_prepared("append", pqxx::binarystring{events.take()}, none[0], none[1], none[2], none[3], none[4],
                        none[5], none[6]);
    } catch (const pqxx::sql_error& e) {
      conn.unprepare("append");
      return e.what();
    }
    conn.unprepare("append");
    return {};
  };
  const auto events_of_the_order = [&] {
    pqxx::nontransaction txn{conn};
    return txn.exec1("select count(*) from events where order_id = '" + order + "'")[0].as<int>();
  };
  const auto refusal = call(false);
  EXPECT_NE(refusal.find("wrong number of columns"), std::string::npos) << refusal;
  EXPECT_EQ(events_of_the_order(), 0);
  EXPECT_EQ(call(true), "");
  EXPECT_EQ(events_of_the_order(), 1);
}

}  // namespace
