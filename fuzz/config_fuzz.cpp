// The config loader on any file: the input is written to a file of its own
// and loaded as order_engine loads --config (config::load_config), with an
// empty environment. main.cpp catches only
// config::config_error (exit code 2): anything else that escapes is a finding.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace {

/// One file per process, rewritten for every input, removed at exit.
class scratch_file {
 public:
  scratch_file() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/ccc-config-fuzz-XXXXXX";
    const int fd = mkstemp(path_.data());
    if (fd < 0) std::abort();
    close(fd);
  }
  ~scratch_file() { std::remove(path_.c_str()); }
  scratch_file(const scratch_file&) = delete;
  scratch_file& operator=(const scratch_file&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    std::FILE* out = std::fopen(path_.c_str(), "wb");
    if (!out || (size > 0 && std::fwrite(data, 1, size, out) != size) || std::fclose(out) != 0) std::abort();
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static scratch_file file;
  const auto& path = file.write(data, size);
  try {
    config::load_config(path, [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  } catch (const config::config_error&) {
    // exit code 2 with the message
  }
  return 0;
}
