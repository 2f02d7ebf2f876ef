// The node's stock of order numbers, which checkouts take from on Beast's
// threads without asking an actor: numbers in block order, a word when the
// next block is due, nothing when it is empty, and never one number twice
// however many threads take at once.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "actors/number_stock.hpp"

namespace {

using actors::number_stock;
using actors::order_number_block_size;

TEST(number_stock, an_empty_stock_gives_no_number) {
  number_stock stock;
  EXPECT_FALSE(stock.take().has_value());
  EXPECT_TRUE(stock.running_low());
}

TEST(number_stock, numbers_come_from_each_block_in_turn_and_say_when_the_next_is_due) {
  number_stock stock;
  stock.add_block(3);
  stock.add_block(7);
  for (std::int64_t n = 201; n <= 300; ++n) {
    auto taken = stock.take();
    ASSERT_TRUE(taken);
    EXPECT_EQ(taken->number, n);
    EXPECT_FALSE(taken->running_low) << "block 7 is in reserve while block 3 is used, at " << n;
  }
  for (std::int64_t n = 601; n <= 700; ++n) {
    auto taken = stock.take();
    ASSERT_TRUE(taken);
    EXPECT_EQ(taken->number, n);
    // A quarter of the block or less left, nothing in reserve: time to fetch.
    EXPECT_EQ(taken->running_low, 700 - n <= order_number_block_size / 4) << n;
  }
  EXPECT_FALSE(stock.take().has_value());
}

TEST(number_stock, threads_taking_at_once_never_get_the_same_number) {
  number_stock stock;
  constexpr int blocks = 40;
  for (int b = 1; b <= blocks; ++b) stock.add_block(b);
  std::vector<std::vector<std::int64_t>> got(4);
  std::vector<std::thread> takers;
  for (auto& mine : got)
    takers.emplace_back([&stock, &mine] {
      while (auto taken = stock.take()) mine.push_back(taken->number);
    });
  for (auto& t : takers) t.join();
  std::set<std::int64_t> all;
  std::size_t total = 0;
  for (const auto& mine : got) {
    total += mine.size();
    all.insert(mine.begin(), mine.end());
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end())) << "each thread's numbers rise";
  }
  EXPECT_EQ(total, static_cast<std::size_t>(blocks * order_number_block_size));
  EXPECT_EQ(all.size(), total) << "a number was taken twice";
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), blocks * order_number_block_size);
}

}  // namespace
