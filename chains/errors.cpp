#include "chains/errors.hpp"

namespace chains {

const char* to_string(key_problem p) noexcept {
  switch (p) {
    case key_problem::secret_given:
      return "secret_given";
    case key_problem::malformed:
      return "malformed";
    case key_problem::bad_checksum:
      return "bad_checksum";
    case key_problem::wrong_kind:
      return "wrong_kind";
    case key_problem::wrong_network:
      return "wrong_network";
    case key_problem::wrong_depth:
      return "wrong_depth";
    case key_problem::invalid_point:
      return "invalid_point";
    case key_problem::unusable_index:
      return "unusable_index";
  }
  return "unknown";
}

const char* to_string(address_problem p) noexcept {
  switch (p) {
    case address_problem::format:
      return "format";
    case address_problem::checksum:
      return "checksum";
    case address_problem::network:
      return "network";
    case address_problem::unsupported_coin:
      return "unsupported_coin";
  }
  return "unknown";
}

}  // namespace chains
