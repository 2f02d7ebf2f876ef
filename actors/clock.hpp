#pragma once

#include <chrono>

#include "domain/strong_types.hpp"

namespace actors {

/// The one place the engine reads the wall clock for the domain: commands
/// carry this time, `decide` never reads a clock itself.
inline domain::timestamp wall_clock_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace actors
