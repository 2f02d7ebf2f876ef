#pragma once

// A fresh, migrated database per test on the private throwaway cluster that
// scripts/test starts. ORDER_ENGINE_TEST_DATABASE_URL must be a URL allowed
// to create databases (e.g. postgresql://postgres@/postgres?host=/sock/dir).
// Without it the test FAILS: an integration suite that silently skips would
// report green having checked nothing.
//
//   test_support::test_database database{"journal"};
//   test_support::repositories db{database.app_url()};  // support/repositories.hpp
//
// url() is the owner's (a superuser: it sees and may do everything, like an
// operator with psql); app_url() logs in as ccc_app, the role the engine's
// runtime uses, held to its grants and row-level security (migration 008).
//
// Links against ccc_persistence.

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "persistence/database_admin.hpp"
#include "persistence/migrate.hpp"

namespace test_support {

inline constexpr const char* test_database_url_variable = "ORDER_ENGINE_TEST_DATABASE_URL";

// The admin URL; throws (so the test fails with this message) when unset.
inline std::string admin_database_url() {
  const char* url = std::getenv(test_database_url_variable);
  if (url == nullptr || *url == '\0')
    throw std::runtime_error(std::string{test_database_url_variable} +
                             " is not set: integration tests need a PostgreSQL superuser URL to a throwaway cluster "
                             "(scripts/test starts one and sets it)");
  return url;
}

class test_database {
 public:
  enum class schema { migrated, empty };

  // Creates t_<suite>_<pid>_<n>; runs the migrations unless told not to.
  explicit test_database(const std::string& suite, schema initial = schema::migrated)
      : admin_url_(admin_database_url()), name_(unique_name(suite)) {
    persistence::create_database(admin_url_, name_);
    url_ = persistence::url_with_database(admin_url_, name_);
    app_url_ = persistence::runtime_url(url_, "");
    if (initial == schema::migrated) {
      try {
        persistence::migrate(url_);
      } catch (...) {
        drop();
        throw;
      }
    }
  }

  ~test_database() { drop(); }

  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  const std::string& url() const { return url_; }
  // As the engine derives it when database.app_url is empty.
  const std::string& app_url() const { return app_url_; }
  const std::string& name() const { return name_; }
  const std::string& admin_url() const { return admin_url_; }

 private:
  static std::string unique_name(const std::string& suite) {
    static std::atomic<int> counter{0};
    std::string clean;
    for (char c : suite)
      clean.push_back(std::isalnum(static_cast<unsigned char>(c))
                          ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                          : '_');
    // PostgreSQL truncates names at 63 bytes; keep the unique tail intact.
    clean = clean.substr(0, 32);
    return "t_" + clean + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  }

  void drop() noexcept {
    try {
      persistence::drop_database(admin_url_, name_);
    } catch (...) {
      // The cluster is thrown away after the run; a leftover database is
      // harmless and must not mask the test's own failure.
    }
  }

  std::string admin_url_;
  std::string name_;
  std::string url_;
  std::string app_url_;
};

}  // namespace test_support
