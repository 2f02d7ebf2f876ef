// The journal's documents go to PostgreSQL beside their rows as a binary
// text[] (persistence/text_array.hpp, migration 028): every text arrives as it
// was sent, whatever characters it holds; empty text is NULL; and the
// journal's functions refuse documents that do not match their rows in
// number, so that no document can land on another row.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "persistence/pq_connection.hpp"
#include "persistence/text_array.hpp"
#include "persistence_fixtures.hpp"

using namespace persistence_fixtures;
using test_support::test_database;

namespace {

TEST(text_array, every_text_arrives_in_postgresql_as_it_was_sent_and_empty_text_as_null) {
  test_database db{"text_array"};
  std::string every_control;
  for (int c = 1; c < 0x20; ++c) every_control.push_back(static_cast<char>(c));
  const std::vector<std::string> texts = {
      R"({"name":"Ada \"the\" Countess","path":"C:\\shop\\"})",
      "",
      every_control + "\"'{},\\",
      "Zoë Ångström, 東京, \xF0\x9F\x96\xA8",
      std::string(70000, 'x'),
  };
  persistence::text_array array;
  for (const auto& text : texts) array.push_back(text);
  ASSERT_EQ(array.size(), texts.size());

  pqxx::connection conn{db.url()};
  pqxx::nontransaction txn{conn};
  conn.prepare("elements", "select n, t, t is null from unnest($1::text[]) with ordinality as a(t, n) order by n");
  const auto rows = txn.exec_prepared("elements", pqxx::binarystring{array.take()});
  ASSERT_EQ(rows.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(rows[i][0].as<std::size_t>(), i + 1);
    if (texts[i].empty()) {
      EXPECT_TRUE(rows[i][2].as<bool>()) << "element " << i;
    } else {
      EXPECT_FALSE(rows[i][2].as<bool>()) << "element " << i;
      EXPECT_EQ(rows[i][1].as<std::string>(), texts[i]) << "element " << i;
    }
  }
  EXPECT_EQ(array.size(), 0u) << "take() leaves the builder empty";
}

TEST(text_array, an_empty_array_arrives_with_no_elements) {
  test_database db{"text_array_empty"};
  pqxx::connection conn{db.url()};
  pqxx::nontransaction txn{conn};
  conn.prepare("count", "select coalesce(cardinality($1::text[]), 0), array_length($1::text[], 1) is null");
  const auto row = txn.exec_prepared("count", pqxx::binarystring{persistence::text_array{}.take()})[0];
  EXPECT_EQ(row[0].as<int>(), 0);
  EXPECT_TRUE(row[1].as<bool>());
}

TEST(text_array, the_journal_refuses_documents_that_do_not_match_their_rows_in_number_and_writes_nothing) {
  test_database db{"text_array_mismatch"};
  const auto order = new_uuid();
  const std::string events =
      R"([{"order_id":")" + order + R"(","seq":1,"type":"order_placed","recorded_at_ms":1764979200000}])";
  const auto call = [&](const std::vector<std::string>& payloads) {
    persistence::text_array array;
    for (const auto& p : payloads) array.push_back(p);
    pqxx::connection conn{db.url()};
    pqxx::nontransaction txn{conn};
    conn.prepare("append",
                 "select journal_append_at_once('', $1::json, $2::text[], '[]', '[]', '[]', '[]', "
                 "$3::text[], '[]', '[]', $3::text[], '[]')");
    txn.exec_prepared("append", events, pqxx::binarystring{array.take()},
                      pqxx::binarystring{persistence::text_array{}.take()});
  };
  const auto refusal = [&](const std::vector<std::string>& payloads) -> std::string {
    try {
      call(payloads);
    } catch (const pqxx::sql_error& e) {
      return e.what();
    }
    return "not refused";
  };
  probe side{db.url()};
  EXPECT_NE(refusal({}).find("0 payloads for 1 events"), std::string::npos);
  EXPECT_NE(refusal({R"({"a":1})", R"({"b":2})"}).find("2 payloads for 1 events"), std::string::npos);
  EXPECT_EQ(side.events_of(order), 0);

  call({R"({"a":1})"});
  EXPECT_EQ(side.events_of(order), 1) << "the same call with one payload per event writes its event";
  EXPECT_EQ(side.query("select payload::text from events where order_id = $1::uuid", order)[0][0].as<std::string>(),
            R"({"a":1})");
}

}  // namespace
