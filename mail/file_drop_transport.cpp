#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <utility>

#include "mail/transport.hpp"

namespace mail {
namespace {

constexpr std::size_t max_name_length = 180;  // well under NAME_MAX (255) with ".eml"

// Errors a retry cannot cure until someone changes the machine's setup.
bool permanent_errno(int error) {
  return error == EACCES || error == EPERM || error == EROFS || error == ENAMETOOLONG || error == ENOTDIR ||
         error == EISDIR;
}

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int error) {
  throw send_error(what + " " + path.string() + ": " + std::strerror(error), !permanent_errno(error));
}

class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) {}
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

class file_drop_transport final : public transport {
 public:
  explicit file_drop_transport(std::filesystem::path dir) : dir_(std::move(dir)) {}

  void send(const message& m, const std::string& mime) override {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) fail("cannot create mail directory", dir_, ec.value());

    const auto final_path = dir_ / file_drop_name(m.message_id);
    static std::atomic<std::uint64_t> counter{0};
    // A dot file: whoever watches the directory for *.eml never sees a half-written one.
    const auto temp_path = dir_ / ("." + final_path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(counter.fetch_add(1)));
    write_file(temp_path, mime);
    if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
      const int error = errno;
      ::unlink(temp_path.c_str());
      fail("cannot move mail into place as", final_path, error);
    }
    // The rename is durable only once the directory entry is on disk.
    unique_fd directory{::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (directory.get() >= 0) ::fsync(directory.get());
  }

  std::string describe() const override { return "files in " + dir_.string(); }

 private:
  static void write_file(const std::filesystem::path& path, const std::string& content) {
    unique_fd file{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)};
    if (file.get() < 0) fail("cannot create", path, errno);
    std::size_t written = 0;
    while (written < content.size()) {
      const auto n = ::write(file.get(), content.data() + written, content.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int error = errno;
        ::unlink(path.c_str());
        fail("cannot write", path, error);
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(file.get()) != 0 || ::close(file.release()) != 0) {
      const int error = errno;
      ::unlink(path.c_str());
      fail("cannot flush", path, error);
    }
  }

  std::filesystem::path dir_;
};

}  // namespace

std::string file_drop_name(const std::string& message_id) {
  std::string id = message_id;
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  std::string name;
  for (char c : id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_' || c == '@' || c == '+';
    name += keep ? c : '_';
  }
  // No hidden files, no "." or "..".
  if (name.empty() || name.front() == '.') name.insert(name.begin(), '_');
  if (name.size() > max_name_length) {
    // Keep long ids apart: a hash of the whole id replaces the cut-off tail.
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : message_id) {
      h ^= c;
      h *= 1099511628211ull;
    }
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(h));
    name = name.substr(0, max_name_length - 17) + "-" + hash;
  }
  return name + ".eml";
}

std::unique_ptr<transport> make_file_drop_transport(std::filesystem::path dir) {
  return std::make_unique<file_drop_transport>(std::move(dir));
}

}  // namespace mail
