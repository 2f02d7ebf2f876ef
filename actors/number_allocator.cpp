#include "actors/number_allocator.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "actors/errors.hpp"

namespace actors {
namespace {

using self_ptr = number_allocator_actor::stateful_pointer<number_allocator_state>;

// Fetch the next block before this one runs out, so checkouts rarely wait.
void maybe_prefetch(self_ptr self, const store_actor& store, std::chrono::milliseconds timeout,
                    const std::shared_ptr<number_stock>& stock) {
  if (self->state.prefetching || !stock->running_low()) return;
  self->state.prefetching = true;
  self->request(store, timeout, block_atom::value)
      .then(
          [self, stock](std::int64_t block) {
            stock->add_block(block);
            self->state.prefetching = false;
          },
          [self](caf::error& err) {
            self->state.prefetching = false;
            spdlog::warn("order numbers: could not reserve a block: {}", to_string(err));
          });
}

// Out of numbers: wait (await keeps the other requests queued behind this one)
// for a block, then take from it. Checkouts on other threads take from the
// stock meanwhile, and may empty a fresh block first: then another one.
void wait_for_block(self_ptr self, const store_actor& store, std::chrono::milliseconds timeout,
                    const std::shared_ptr<number_stock>& stock, caf::typed_response_promise<std::string> rp,
                    int tries_left) {
  self->request(store, timeout, block_atom::value)
      .await(
          [self, store, timeout, stock, rp, tries_left](std::int64_t block) mutable {
            stock->add_block(block);
            if (auto taken = stock->take()) {
              rp.deliver(format_order_number(taken->number));
              maybe_prefetch(self, store, timeout, stock);
            } else if (tries_left > 1) {
              wait_for_block(self, store, timeout, stock, rp, tries_left - 1);
            } else {
              rp.deliver(to_caf_error(
                  domain::make_error(domain::error_code::unavailable, "no order number is free; please retry")));
            }
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
}

}  // namespace

std::string format_order_number(std::int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "CCC-%06lld", static_cast<long long>(n));
  return buf;
}

number_allocator_actor::behavior_type number_allocator_impl(self_ptr self, store_actor store,
                                                            std::chrono::milliseconds timeout,
                                                            std::shared_ptr<number_stock> stock) {
  return {
      [self, store, timeout, stock](next_atom) -> caf::result<std::string> {
        if (auto taken = stock->take()) {
          maybe_prefetch(self, store, timeout, stock);
          return format_order_number(taken->number);
        }
        auto rp = self->make_response_promise<std::string>();
        wait_for_block(self, store, timeout, stock, rp, 3);
        return rp;
      },
      [self, store, timeout, stock](prefetch_atom) { maybe_prefetch(self, store, timeout, stock); },
  };
}

}  // namespace actors
