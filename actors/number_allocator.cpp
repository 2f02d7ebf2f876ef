#include "actors/number_allocator.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "actors/errors.hpp"

namespace actors {
namespace {

using self_ptr = number_allocator_actor::stateful_pointer<number_allocator_state>;

bool take_spare_block(number_allocator_state& st) {
  if (st.spare_blocks.empty()) return false;
  const std::int64_t block = st.spare_blocks.front();
  st.spare_blocks.pop_front();
  st.next = (block - 1) * order_number_block_size + 1;
  st.end = st.next + order_number_block_size;
  return true;
}

// Fetch the next block before this one runs out, so checkouts rarely wait.
void maybe_prefetch(self_ptr self, store_actor store, std::chrono::milliseconds timeout) {
  auto& st = self->state;
  if (st.prefetching || !st.spare_blocks.empty() || st.end - st.next > order_number_block_size / 4) return;
  st.prefetching = true;
  self->request(store, timeout, block_atom::value)
      .then(
          [self](std::int64_t block) {
            self->state.spare_blocks.push_back(block);
            self->state.prefetching = false;
          },
          [self](caf::error& err) {
            self->state.prefetching = false;
            spdlog::warn("order numbers: could not reserve a block: {}", to_string(err));
          });
}

}  // namespace

std::string format_order_number(std::int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "CCC-%06lld", static_cast<long long>(n));
  return buf;
}

number_allocator_actor::behavior_type number_allocator_impl(self_ptr self, store_actor store,
                                                            std::chrono::milliseconds timeout) {
  return {
      [self, store, timeout](next_atom) -> caf::result<std::string> {
        auto& st = self->state;
        if (st.next < st.end || take_spare_block(st)) {
          auto number = format_order_number(st.next++);
          maybe_prefetch(self, store, timeout);
          return number;
        }
        // Out of numbers: wait (await keeps the other requests queued behind
        // this one) for a block, then continue.
        auto rp = self->make_response_promise<std::string>();
        self->request(store, timeout, block_atom::value)
            .await(
                [self, rp, store, timeout](std::int64_t block) mutable {
                  self->state.spare_blocks.push_back(block);
                  take_spare_block(self->state);
                  rp.deliver(format_order_number(self->state.next++));
                  maybe_prefetch(self, store, timeout);
                },
                [rp](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
      [self, store, timeout](prefetch_atom) { maybe_prefetch(self, store, timeout); },
  };
}

}  // namespace actors
