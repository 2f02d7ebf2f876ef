#pragma once

// libsodium must be initialised once before use; sodium_init is thread-safe
// and cheap after the first call.

#include <sodium.h>

#include <stdexcept>

namespace sealing {

inline void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace sealing
