#pragma once

// `order_engine keys rotate`: replaces the master key (security.master_key_file)
// while engines keep serving, on one node or many (docs/SECURITY.md, "Master
// key and rotation").
//
//   1. A file with one key gets a new random key in front of it ("new\nold");
//      engines re-read the file within a second, then wrap with the new key
//      and still open what the old one wrapped. A file that holds two keys or
//      more already is a rotation begun earlier (or prepared by hand for a
//      cluster): its first key is taken as the new one.
//   2. After a little more than that second, the root key and every
//      customer data key the old key(s) wrapped are rewrapped under the new
//      one, 1000 per transaction, until no row names an old key.
//   3. The file is written with the new key alone; after another pause a
//      last sweep rewraps what a straggler wrote with an old key meanwhile
//      (the command still holds the old keys in memory).
//
// Nothing sealed under those keys is touched: tokens, the blind index, the
// admins' TOTP secrets and every sealed text stay as they are. No key is ever
// printed, only key ids.

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "sealing/keyring.hpp"

namespace assembly {

struct rotation_options {
  /// How long engines are given to read a replaced key file: the keyring's
  /// re-read interval and as much again for a transaction that sealed with
  /// the keys of before to commit.
  std::chrono::milliseconds settle = 2 * sealing::keyring::recheck_interval;
  std::size_t batch = 1000;  // customer keys per transaction
};

/// Runs `args` (what follows "keys"); returns the process's exit code: 0
/// done, 1 not finished (a key that does not open, rows locked for too long,
/// another rotation running; the file then keeps every key it needs and the
/// command can be run again), 2 wrong usage or a missing, malformed or
/// foreign key file, 3 the database cannot be reached.
int keys_command(const config::engine_config& config, const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err, const rotation_options& options = {});

}  // namespace assembly
