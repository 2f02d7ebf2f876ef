// Room on each page for the next version of its rows: orders placed together
// whose next decisions come together (their reminders fall due at once) are
// each rewritten on their own page, a HOT update that writes no index entry;
// so is a claim of due timers. An update that finds no room on its page
// moves the row to another page, which is what these tests watch (by ctid).

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "persistence_fixtures.hpp"

namespace {

using namespace persistence_fixtures;
using persistence::append_item;
using store = test_support::repositories;

// An order as large as a shop's: about 1.3 kB, most of it the view.
append_item sized_order(const std::string& id, int n, std::int64_t version) {
  auto item = item_for(id, version, 1, "CCC-R" + std::to_string(n), new_uuid());
  item.read_model.view_json = R"({"number":"CCC-R)" + std::to_string(n) + R"(","version":)" +
                              std::to_string(version) + R"(,"timeline":")" + std::string(1200, 'x') + R"("})";
  return item;
}

// The heap page each row of TABLE is on, by its key.
std::map<std::string, std::string> pages_of(probe& side, const std::string& table, const std::string& key) {
  std::map<std::string, std::string> pages;
  for (const auto& row : side.query("select " + key + "::text, (ctid::text::point)[0]::bigint::text from " + table))
    pages[row[0].as<std::string>()] = row[1].as<std::string>();
  return pages;
}

std::size_t rows_sharing_a_page(const std::map<std::string, std::string>& pages) {
  std::map<std::string, int> per_page;
  for (const auto& [key, page] : pages) ++per_page[page];
  std::size_t sharing = 0;
  for (const auto& [page, rows] : per_page)
    if (rows > 1) sharing += static_cast<std::size_t>(rows);
  return sharing;
}

class room_for_updates : public ::testing::Test {
 protected:
  test_support::test_database db_{"room_for_updates"};
  store store_{db_.app_url()};
  probe side_{db_.url()};
};

TEST_F(room_for_updates, orders_placed_together_take_their_next_decisions_together_on_their_own_pages) {
  constexpr int orders = 60;
  std::vector<std::string> ids;
  std::vector<append_item> placed, reminded;
  for (int n = 0; n < orders; ++n) {
    ids.push_back(new_uuid());
    placed.push_back(sized_order(ids.back(), n, 1));
  }
  store_.journal.append_batch(placed);
  const auto before = pages_of(side_, "orders", "id");
  ASSERT_EQ(before.size(), static_cast<std::size_t>(orders));
  ASSERT_GT(rows_sharing_a_page(before), static_cast<std::size_t>(orders / 2)) << "orders share pages";

  for (int n = 0; n < orders; ++n) reminded.push_back(sized_order(ids[static_cast<std::size_t>(n)], n, 2));
  store_.journal.append_batch(reminded);
  ASSERT_EQ(side_.count("select count(*) from orders where version = 2"), orders);

  const auto after = pages_of(side_, "orders", "id");
  int moved = 0;
  for (const auto& [id, page] : before)
    if (after.at(id) != page) ++moved;
  EXPECT_EQ(moved, 0) << "orders whose next version found no room on their page";
}

TEST_F(room_for_updates, due_timers_claimed_together_stay_on_their_pages) {
  constexpr int timers = 400;
  std::vector<append_item> placed;
  for (int n = 0; n < timers; ++n) {
    auto item = sized_order(new_uuid(), n, 1);
    item.timers_set.push_back({"payment_reminder", t0_ms});
    placed.push_back(item);
  }
  store_.journal.append_batch(placed);
  const auto before = pages_of(side_, "timers", "order_id");
  ASSERT_EQ(before.size(), static_cast<std::size_t>(timers));
  ASSERT_GT(rows_sharing_a_page(before), static_cast<std::size_t>(timers / 2)) << "timers share pages";

  ASSERT_EQ(store_.timers.claim_due_timers(timers, std::chrono::minutes{1}).size(), static_cast<std::size_t>(timers));

  const auto after = pages_of(side_, "timers", "order_id");
  int moved = 0;
  for (const auto& [id, page] : before)
    if (after.at(id) != page) ++moved;
  EXPECT_EQ(moved, 0) << "timers whose claimed version found no room on their page";
}

}  // namespace
