#pragma once

// What every node must agree on: order number blocks and engine secrets.

#include <cstdint>
#include <string>

#include "persistence/connection.hpp"
#include "sealing/keyring.hpp"
#include "sealing/vault.hpp"

namespace persistence {

/// The engine_secrets row of the shop's root key, stored wrapped.
inline constexpr const char* root_key_name = "root_key";

class shared_state {
 public:
  explicit shared_state(connection& db);

  /// Block b covers order numbers (b-1)*100+1 .. b*100; no two calls, on any
  /// node, get the same block.
  std::int64_t next_order_number_block();

  /// Get-or-create: stores `candidate` if `name` has no value yet and returns
  /// the stored value, so every node ends up with the same one.
  std::string secret(const std::string& name, const std::string& candidate);

  /// The shop's root key (see sealing/vault.hpp): made and stored wrapped by
  /// the first node, unwrapped by every node. Throws sealing::key_file_error
  /// when `master` does not unwrap it: a wrong master key must stop start-up.
  sealing::secret_key root_key(const sealing::keyring& master);

 private:
  connection& db_;
};

}  // namespace persistence
