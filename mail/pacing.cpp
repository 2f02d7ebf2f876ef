#include "mail/pacing.hpp"

namespace mail {

pacing::clock::duration pacing::wait_after(std::size_t sent, clock::duration writing, clock::time_point group_start,
                                           clock::time_point now) const {
  if (rate_while_busy_ <= 0 || sent == 0) return clock::duration::zero();
  const auto elapsed = now - group_start;
  // No time passed: nothing was measured, nothing is held back.
  if (elapsed <= clock::duration::zero()) return clock::duration::zero();
  if (static_cast<double>(writing.count()) < busy_share * static_cast<double>(elapsed.count()))
    return clock::duration::zero();
  const auto allowed = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(static_cast<double>(sent) / static_cast<double>(rate_while_busy_)));
  return allowed > elapsed ? allowed - elapsed : clock::duration::zero();
}

}  // namespace mail
