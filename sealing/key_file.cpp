#include "sealing/key_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sealing/box.hpp"

namespace sealing {
namespace {

std::string trimmed(const std::string& line) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::vector<secret_key> read_key_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw key_file_error("security.master_key_file: cannot read " + path + ": " + std::strerror(errno));
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw key_file_error("security.master_key_file: " + path +
                         " can be read by other users; make it private (chmod 600)");
  std::ifstream in{path};
  if (!in) throw key_file_error("security.master_key_file: cannot read " + path);
  std::vector<secret_key> keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto text = trimmed(line);
    if (text.empty()) continue;
    auto raw = from_base64(text);
    auto key = raw ? secret_key::from_bytes(*raw) : std::nullopt;
    if (!key)
      throw key_file_error("security.master_key_file: line " + std::to_string(number) + " of " + path +
                           " is not 32 bytes in base64 (make one with: openssl rand -base64 32)");
    keys.push_back(*key);
  }
  if (keys.empty()) throw key_file_error("security.master_key_file: " + path + " holds no key");
  return keys;
}

void write_key_file(const std::string& path, const std::vector<secret_key>& keys) {
  const std::string temporary = path + ".new";
  std::ostringstream text;
  for (const auto& key : keys)
    text << to_base64(std::string_view{reinterpret_cast<const char*>(key.data()), key_size}) << "\n";
  const auto old_mask = ::umask(077);
  {
    std::ofstream out{temporary, std::ios::trunc};
    out << text.str();
    out.flush();
    if (!out) {
      ::umask(old_mask);
      throw key_file_error("cannot write " + temporary);
    }
  }
  ::umask(old_mask);
  ::chmod(temporary.c_str(), 0600);
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
    throw key_file_error("cannot replace " + path + ": " + std::strerror(errno));
}

std::string key_id(const secret_key& key) {
  return keyed_hash(key, "ccc master key id").substr(0, 16);
}

}  // namespace sealing
