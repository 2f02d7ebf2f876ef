// The admin order list: newest first, keyset paged, filtered by status and
// searched by order number prefix or customer email.

#include <algorithm>
#include <functional>
#include <iterator>
#include <chrono>
#include <set>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "persistence_fixtures.hpp"

namespace {

using namespace persistence_fixtures;
using persistence::append_item;
using persistence::order_filter;
using persistence::order_row;
using store = test_support::repositories;

struct placed {
  std::string id;
  std::string number;
  std::string status;
  std::string email;
  std::int64_t created_at_ms;
};

class listing : public ::testing::Test {
 protected:
  void SetUp() override {
    // 20 orders a second apart, plus 3 more in the same millisecond as one
    // of them: the id must break those ties.
    std::vector<append_item> batch;
    for (int k = 0; k < 23; ++k) {
      const std::int64_t created = t0_ms + 1000 * (k < 20 ? k : 10);
      placed order{new_uuid(), "CCC-" + std::to_string(100100 + k), k % 3 == 0 ? "paid" : "pending",
                   k == 7 ? "Ada.Lovelace@Example.com" : "buyer" + std::to_string(k) + "@example.com", created};
      auto item = checkout_for(order.id, order.number, order.email, "", created);
      item.read_model.status = order.status;
      batch.push_back(item);
      orders_.push_back(order);
    }
    store_.journal.append_batch(batch);
  }

  // Newest first; ties on time by id, descending (uuid order is the order
  // of their lower-case text).
  std::vector<std::string> expected_ids(const std::function<bool(const placed&)>& keep) const {
    std::vector<placed> kept;
    std::copy_if(orders_.begin(), orders_.end(), std::back_inserter(kept), keep);
    std::sort(kept.begin(), kept.end(), [](const placed& a, const placed& b) {
      return std::tie(a.created_at_ms, a.id) > std::tie(b.created_at_ms, b.id);
    });
    std::vector<std::string> ids;
    for (const auto& order : kept) ids.push_back(order.id);
    return ids;
  }

  // Follows next_cursor to the end, checking each page's size.
  std::vector<std::string> all_pages(order_filter filter, std::size_t* pages = nullptr) {
    std::vector<std::string> ids;
    std::size_t count = 0;
    for (;;) {
      const auto page = store_.orders.list_orders(filter);
      ++count;
      EXPECT_LE(page.rows.size(), static_cast<std::size_t>(filter.limit));
      for (const auto& row : page.rows) ids.push_back(row.id);
      if (!page.next_cursor) break;
      EXPECT_EQ(page.rows.size(), static_cast<std::size_t>(filter.limit)) << "only the last page may be short";
      filter.cursor = page.next_cursor;
      if (count > 100) {
        ADD_FAILURE() << "paging does not end";
        break;
      }
    }
    if (pages) *pages = count;
    return ids;
  }

  test_support::test_database db_{"listing"};
  store store_{db_.app_url()};  // as the engine's runtime connects
  std::vector<placed> orders_;
};

TEST_F(listing, pages_through_every_order_newest_first_without_duplicates_or_gaps) {
  order_filter filter;
  filter.limit = 7;
  std::size_t pages = 0;
  const auto ids = all_pages(filter, &pages);
  EXPECT_EQ(ids, expected_ids([](const placed&) { return true; }));
  EXPECT_EQ(pages, 4u);  // 7 + 7 + 7 + 2
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST_F(listing, a_page_that_ends_exactly_at_the_last_order_has_no_next_cursor) {
  order_filter filter;
  filter.limit = 23;
  const auto page = store_.orders.list_orders(filter);
  EXPECT_EQ(page.rows.size(), 23u);
  EXPECT_FALSE(page.next_cursor);
}

TEST_F(listing, rows_carry_the_read_model) {
  order_filter filter;
  filter.limit = 1;
  const auto page = store_.orders.list_orders(filter);
  ASSERT_EQ(page.rows.size(), 1u);
  const auto& newest = orders_[19];
  EXPECT_EQ(page.rows[0].id, newest.id);
  EXPECT_EQ(page.rows[0].number, newest.number);
  EXPECT_EQ(page.rows[0].status, newest.status);
  EXPECT_EQ(page.rows[0].created_at_ms, newest.created_at_ms);
  EXPECT_EQ(page.rows[0].total_cents, 4599);
}

TEST_F(listing, orders_placed_while_paging_neither_repeat_nor_shift_older_pages) {
  order_filter filter;
  filter.limit = 5;
  auto page = store_.orders.list_orders(filter);
  std::vector<std::string> ids;
  for (const auto& row : page.rows) ids.push_back(row.id);

  // A new checkout lands at the top of the list between two page loads.
  store_.journal.append_batch({checkout_for(new_uuid(), "CCC-900000", "late@example.com", "", t0_ms + 1'000'000)});

  filter.cursor = page.next_cursor;
  const auto rest = all_pages(filter);
  ids.insert(ids.end(), rest.begin(), rest.end());
  EXPECT_EQ(ids, expected_ids([](const placed&) { return true; }));
}

TEST_F(listing, filters_by_status) {
  order_filter filter;
  filter.status = "paid";
  filter.limit = 3;
  const auto ids = all_pages(filter);
  EXPECT_EQ(ids, expected_ids([](const placed& o) { return o.status == "paid"; }));
  EXPECT_EQ(ids.size(), 8u);

  filter.status = "shipped";
  EXPECT_TRUE(store_.orders.list_orders(filter).rows.empty());
}

TEST_F(listing, finds_orders_by_number_prefix_case_insensitively) {
  order_filter filter;
  filter.query = "ccc-10011";  // CCC-100110 .. CCC-100119
  filter.limit = 4;
  EXPECT_EQ(all_pages(filter), expected_ids([](const placed& o) { return o.number.rfind("CCC-10011", 0) == 0; }));

  filter.query = "CCC-100105";
  const auto exact = store_.orders.list_orders(filter);
  ASSERT_EQ(exact.rows.size(), 1u);
  EXPECT_EQ(exact.rows[0].number, "CCC-100105");
}

TEST_F(listing, like_wildcards_in_the_query_are_plain_characters) {
  order_filter filter;
  filter.query = "%";
  EXPECT_TRUE(store_.orders.list_orders(filter).rows.empty());
  filter.query = "CCC-10010_";
  EXPECT_TRUE(store_.orders.list_orders(filter).rows.empty());
}

TEST_F(listing, finds_orders_by_exact_customer_email_case_insensitively) {
  order_filter filter;
  filter.query = "ada.lovelace@example.COM";
  const auto page = store_.orders.list_orders(filter);
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_EQ(page.rows[0].id, orders_[7].id);

  filter.query = "ada.lovelace";  // no partial email match
  EXPECT_TRUE(store_.orders.list_orders(filter).rows.empty());
}

TEST_F(listing, combines_status_and_query) {
  order_filter filter;
  filter.query = "CCC-1001";  // every order
  filter.status = "pending";
  filter.limit = 5;
  EXPECT_EQ(all_pages(filter), expected_ids([](const placed& o) { return o.status == "pending"; }));

  filter.query = "buyer3@example.com";  // k = 3 is paid
  EXPECT_TRUE(store_.orders.list_orders(filter).rows.empty());
  filter.status = "paid";
  ASSERT_EQ(store_.orders.list_orders(filter).rows.size(), 1u);
}

TEST_F(listing, empty_filters_mean_no_filter_and_the_limit_is_clamped) {
  order_filter filter;
  filter.status = "";
  filter.query = "";
  filter.limit = 0;
  const auto page = store_.orders.list_orders(filter);
  EXPECT_EQ(page.rows.size(), 1u);
  EXPECT_TRUE(page.next_cursor);
}

TEST_F(listing, refuses_a_cursor_it_did_not_issue) {
  for (const char* bad : {"", "garbage", "123_not-a-uuid", "_9b2f2a4e-0c4f-4f7e-9d55-000000000000",
                          "12x_9b2f2a4e-0c4f-4f7e-9d55-000000000000"}) {
    order_filter filter;
    filter.cursor = bad;
    EXPECT_THROW(store_.orders.list_orders(filter), persistence::invalid_cursor) << bad;
  }
}

}  // namespace

namespace {

// Order rows PostgreSQL has read from orders, by any index or scan, as its
// statistics count them. A backend hands in its counts for certain when it
// exits, so each part of the test runs on a connection of its own, closed
// before counting; the count is read once it has settled.
std::int64_t order_rows_read(persistence_fixtures::probe& side) {
  std::int64_t last = -1;
  for (int i = 0; i < 40; ++i) {
    const auto now = side.count(
        "select coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) from pg_stat_user_tables "
        "where relname = 'orders'");
    if (now == last) return now;
    last = now;
    std::this_thread::sleep_for(std::chrono::milliseconds{250});
  }
  return last;
}

// One customer holds nearly every order (a reseller, or a bench's clones):
// PostgreSQL's statistics then make "walk the newest orders until a page of
// this customer's turns up" look cheap, and for any other customer that walk
// reads the whole table. The email branch must read that customer's page.
TEST(listing_by_email, reads_a_page_of_the_customers_orders_however_many_another_customer_has) {
  test_support::test_database db{"listing_skew"};
  probe side{db.url()};
  const auto keys = test_support::new_vault();  // the blind index is the same for each connection
  {
    store s{db.app_url(), keys};
    const auto reseller = new_uuid();
    std::vector<append_item> batch;
    batch.push_back(checkout_for(new_uuid(), "CCC-700000", "reseller@example.com", "", t0_ms));
    batch.back().customer->ref = reseller;
    batch.back().read_model.customer_ref = reseller;
    for (int k = 1; k < 4000; ++k)
      batch.push_back(item_for(new_uuid(), 1, 1, "CCC-" + std::to_string(700000 + k), reseller, t0_ms + 10 * k));
    // The other customer's three orders are the oldest: a walk from the
    // newest would read everything before finding them.
    for (int k = 0; k < 3; ++k)
      batch.push_back(
          checkout_for(new_uuid(), "CCC-69999" + std::to_string(k), "rare@example.com", "", t0_ms - 1000 + k));
    s.journal.append_batch(batch);
    side.query("analyze orders");
    side.query("analyze customers");
  }
  const auto before = order_rows_read(side);
  {
    store s{db.app_url(), keys};
    order_filter filter;
    filter.query = "Rare@Example.com";
    filter.limit = 50;
    EXPECT_EQ(s.orders.list_orders(filter).rows.size(), 3u);
  }
  const auto read = order_rows_read(side) - before;
  EXPECT_GE(read, 3);
  EXPECT_LT(read, 200) << "order rows read for a page of 3";

  store s{db.app_url(), keys};
  order_filter filter;
  filter.query = "reseller@example.com";
  filter.limit = 50;
  const auto big = s.orders.list_orders(filter);
  EXPECT_EQ(big.rows.size(), 50u);
  EXPECT_TRUE(big.next_cursor);
}

}  // namespace
