#pragma once

// `order_engine admin …`: the operator's way to let a person into the back
// office, on the engine's own database, without the engine running.
//
//   order_engine admin add EMAIL        password from stdin (no echo on a terminal);
//                                       prints the TOTP secret, its otpauth:// URI and
//                                       QR code, and ten single-use recovery codes
//   order_engine admin reset-2fa EMAIL  a new TOTP secret and recovery codes (a lost phone)

#include <iosfwd>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace assembly {

/// Runs `args` (what follows "admin"); returns the process's exit code: 0
/// done, 1 refused (a weak password, an unknown or taken email), 2 wrong usage
/// or no usable master key (security.master_key_file: the TOTP secret is
/// stored sealed), 3 the database cannot be reached.
int admin_command(const config::engine_config& config, const std::vector<std::string>& args, std::istream& in,
                  std::ostream& out, std::ostream& err);

}  // namespace assembly
