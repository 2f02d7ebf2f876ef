#include "actors/number_stock.hpp"

namespace actors {

std::optional<number_stock::taken> number_stock::take() {
  std::lock_guard<std::mutex> lock{mutex_};
  if (next_ >= end_) {
    if (spare_blocks_.empty()) return std::nullopt;
    const std::int64_t block = spare_blocks_.front();
    spare_blocks_.pop_front();
    next_ = (block - 1) * order_number_block_size + 1;
    end_ = next_ + order_number_block_size;
  }
  const std::int64_t number = next_++;
  return taken{number, running_low_locked()};
}

void number_stock::add_block(std::int64_t block) {
  std::lock_guard<std::mutex> lock{mutex_};
  spare_blocks_.push_back(block);
}

bool number_stock::running_low() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return running_low_locked();
}

bool number_stock::running_low_locked() const {
  return spare_blocks_.empty() && end_ - next_ <= order_number_block_size / 4;
}

}  // namespace actors
