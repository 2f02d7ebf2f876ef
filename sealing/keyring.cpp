#include "sealing/keyring.hpp"

#include "sealing/box.hpp"
#include "sealing/key_file.hpp"

namespace sealing {
namespace {

std::string wrap_context(std::string_view owner) {
  return "wrapped key for " + std::string{owner};
}

}  // namespace

std::shared_ptr<const keyring::loaded> keyring::make(std::vector<secret_key> keys) {
  auto out = std::make_shared<loaded>();
  for (const auto& key : keys) out->ids.push_back(key_id(key));
  out->keys = std::move(keys);
  return out;
}

keyring::keyring(std::string path) : path_(std::move(path)) {
  keys_ = make(read_key_file(path_));
  std::error_code ec;
  file_time_ = std::filesystem::last_write_time(path_, ec);
  checked_at_ = std::chrono::steady_clock::now();
}

keyring::keyring(std::vector<secret_key> keys) : keys_(make(std::move(keys))) {
  if (keys_->keys.empty()) throw key_file_error("a keyring needs at least one key");
}

std::shared_ptr<const keyring::loaded> keyring::snapshot() const {
  std::lock_guard lock{mutex_};
  if (path_.empty()) return keys_;
  const auto now = std::chrono::steady_clock::now();
  if (now - checked_at_ < recheck_interval) return keys_;
  checked_at_ = now;
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(path_, ec);
  if (ec || time == file_time_) return keys_;
  try {
    keys_ = make(read_key_file(path_));
    file_time_ = time;
  } catch (const key_file_error&) {
    // A file being replaced is renamed into place whole; a broken one is the
    // operator's to fix, and the keys already read keep working meanwhile.
  }
  return keys_;
}

std::string keyring::wrap(const secret_key& key, std::string_view owner) const {
  const auto ring = snapshot();
  const std::string_view raw{reinterpret_cast<const char*>(key.data()), key_size};
  return ring->ids.front() + ":" + seal(ring->keys.front(), raw, wrap_context(owner));
}

std::optional<secret_key> keyring::unwrap(std::string_view wrapped, std::string_view owner) const {
  const auto id = key_id_of(wrapped);
  if (id.empty()) return std::nullopt;
  const auto ring = snapshot();
  for (std::size_t i = 0; i < ring->ids.size(); ++i) {
    if (ring->ids[i] != id) continue;
    auto raw = open(ring->keys[i], wrapped.substr(id.size() + 1), wrap_context(owner));
    if (!raw) return std::nullopt;
    auto key = secret_key::from_bytes(*raw);
    wipe(*raw);
    return key;
  }
  return std::nullopt;
}

std::optional<std::string> keyring::rewrap(std::string_view wrapped, std::string_view owner) const {
  auto key = unwrap(wrapped, owner);
  if (!key) return std::nullopt;
  return wrap(*key, owner);
}

std::string keyring::current_key_id() const {
  return snapshot()->ids.front();
}

std::string keyring::key_id_of(std::string_view wrapped) {
  const auto colon = wrapped.find(':');
  return colon == std::string_view::npos ? std::string{} : std::string{wrapped.substr(0, colon)};
}

}  // namespace sealing
