// Backpressure in front of the payment matcher: a bounded number of calls
// outstanding, the rest refused at once with `unavailable`, places given back
// when the answers are in.

#include <gtest/gtest.h>

#include <vector>

#include "actors/admission_gate.hpp"

namespace {

using callback = std::function<void(domain::result<int>)>;

TEST(admission_gate, lets_in_up_to_its_limit_and_refuses_the_next_at_once_with_unavailable) {
  auto gate = std::make_shared<actors::admission_gate>(2);
  std::vector<callback> waiting;
  int answered = 0;
  for (int i = 0; i < 2; ++i) {
    callback done = [&](domain::result<int>) { ++answered; };
    ASSERT_TRUE(actors::admit(*gate, done));
    waiting.push_back(std::move(done));
  }
  EXPECT_EQ(gate->outstanding(), 2u);
  std::optional<domain::error_code> refusal;
  callback third = [&](domain::result<int> r) { refusal = r ? std::nullopt : std::optional{r.error().code}; };
  EXPECT_FALSE(actors::admit(*gate, third));
  EXPECT_EQ(refusal, domain::error_code::unavailable);
  EXPECT_EQ(gate->refused(), 1u);
  EXPECT_EQ(answered, 0);
}

TEST(admission_gate, a_place_is_given_back_once_the_answer_is_in_and_its_callback_gone) {
  auto gate = std::make_shared<actors::admission_gate>(1);
  int answered = 0;
  {
    callback done = [&](domain::result<int>) { ++answered; };
    ASSERT_TRUE(actors::admit(*gate, done));
    done(domain::result<int>{7});
    EXPECT_EQ(gate->outstanding(), 1u);  // still held while the callback lives
  }
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(gate->outstanding(), 0u);
  callback next = [](domain::result<int>) {};
  EXPECT_TRUE(actors::admit(*gate, next));
}

}  // namespace
