#pragma once

// Master keys for tests: every test that runs an engine or a repository has
// its own, as a shop would (security.master_key_file), never a shared one.
//
//   test_support::master_key_file key;          // a 0600 file, removed at the end
//   env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = key.path();
//   persistence::journal_store journal{db, test_support::new_vault()};

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "sealing/key_file.hpp"
#include "sealing/keyring.hpp"
#include "sealing/vault.hpp"

namespace test_support {

class master_key_file {
 public:
  master_key_file() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("ccc-master-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".key"))
                .string();
    sealing::write_key_file(path_, {sealing::secret_key::random()});
  }
  ~master_key_file() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  master_key_file(const master_key_file&) = delete;
  master_key_file& operator=(const master_key_file&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A vault of random keys, for repositories under test (nothing to do with
/// any database's root key: what it seals only it opens).
inline std::shared_ptr<const sealing::vault> new_vault() {
  auto master =
      std::make_shared<const sealing::keyring>(std::vector<sealing::secret_key>{sealing::secret_key::random()});
  return std::make_shared<const sealing::vault>(master, sealing::secret_key::random());
}

}  // namespace test_support
