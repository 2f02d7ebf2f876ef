#pragma once

// Waiting for one asynchronous engine call (app::shop_service answers through
// a callback) from a test's own thread.

#include <chrono>
#include <future>
#include <memory>

#include "domain/error.hpp"
#include "domain/expected.hpp"

namespace test_support {

/// Runs `call` with a callback and waits up to 30 s for its result.
template <class T, class Call>
domain::result<T> await(Call call) {
  auto done = std::make_shared<std::promise<domain::result<T>>>();
  auto future = done->get_future();
  call([done](domain::result<T> r) { done->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds{30}) != std::future_status::ready)
    return domain::make_error(domain::error_code::internal, "no answer within 30 s");
  return future.get();
}

}  // namespace test_support
