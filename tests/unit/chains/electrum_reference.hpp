#pragma once

// Runs electrum_reference.py (Debian's python3-electrum) and returns its lines: the
// derivations a real wallet makes, to compare the C++ ones with.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace chains_test {

// Debian's interpreter by its path: python3-electrum lives in its dist-packages, which a
// python3 earlier on PATH (a pyenv, a venv) would not see.
inline const char* debian_python = "/usr/bin/python3";

/// The script's output lines; fails the calling test when the script fails (for example
/// when python3-electrum is missing: scripts/lib.sh's ensure_deps installs it). Each
/// question is asked once per run: starting electrum takes half a second.
inline std::vector<std::string> electrum_reference(const std::string& arguments) {
  static std::map<std::string, std::vector<std::string>> answered;
  if (const auto known = answered.find(arguments); known != answered.end()) return known->second;
  const std::string command =
      std::string(debian_python) + " " ORDER_ENGINE_SOURCE_DIR "/tests/unit/chains/electrum_reference.py " + arguments;
  std::vector<std::string> lines;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return lines;
  }
  std::string line;
  for (int c; (c = std::fgetc(pipe)) != EOF;) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line += static_cast<char>(c);
    }
  }
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << command << " failed (is python3-electrum installed? scripts/lib.sh ensure_deps installs it)";
    lines.clear();
    return lines;
  }
  answered.emplace(arguments, lines);
  return lines;
}

inline std::string electrum_reference_line(const std::string& arguments) {
  const auto lines = electrum_reference(arguments);
  return lines.size() == 1 ? lines.front() : std::string();
}

}  // namespace chains_test
