#pragma once

// The master key file (`security.master_key_file`): one key per line, 32
// random bytes in base64. The first line is the key that wraps; a second line
// is the key being rotated away from, kept only while `order_engine keys
// rotate` rewraps what it wrapped. The file must not be readable by others.

#include <stdexcept>
#include <string>
#include <vector>

#include "sealing/secret_key.hpp"

namespace sealing {

/// What is wrong with a key file, in one line naming the file.
class key_file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The keys, the current one first. Throws key_file_error when the file is
/// missing, readable by group or others, or holds anything but base64 keys of
/// 32 bytes (at least one).
std::vector<secret_key> read_key_file(const std::string& path);

/// Writes the keys (current first) with mode 0600, replacing the file in one
/// rename so a reader sees the old file or the new one, never half of one.
void write_key_file(const std::string& path, const std::vector<secret_key>& keys);

/// A short public name of a key (16 hex characters of a keyed hash): says
/// which master key wrapped a value without saying anything about the key.
std::string key_id(const secret_key& key);

}  // namespace sealing
