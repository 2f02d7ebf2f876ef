// The URL the engine's runtime connects with: database.app_url, or the
// owner's database.url with its user replaced by ccc_app. The derivation keeps
// every other part of the URL as it is, TLS settings above all
// (sslmode=verify-full, sslrootcert=...), and drops the owner's password.

#include <libpq-fe.h>

#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "persistence/database_admin.hpp"
#include "support/test_database.hpp"

namespace {

using persistence::runtime_url;
using persistence::url_with_user;

// The connection options libpq reads from `url` (only those it sets).
std::map<std::string, std::string> as_libpq_reads(const std::string& url) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{PQconninfoParse(url.c_str(), &error),
                                                                       &PQconninfoFree};
  if (!options) {
    std::string why = error ? error : "?";
    PQfreemem(error);
    ADD_FAILURE() << "libpq cannot read " << url << ": " << why;
    return {};
  }
  std::map<std::string, std::string> set;
  for (auto* o = options.get(); o->keyword; ++o)
    if (o->val) set[o->keyword] = o->val;
  return set;
}

TEST(runtime_url, replaces_the_user_and_drops_the_owners_password) {
  EXPECT_EQ(url_with_user("postgresql://owner:s3cret@db.internal:5432/ccc", "ccc_app"),
            "postgresql://ccc_app@db.internal:5432/ccc");
  EXPECT_EQ(url_with_user("postgres://owner@db.internal/ccc", "ccc_app"), "postgres://ccc_app@db.internal/ccc");
  EXPECT_EQ(url_with_user("postgresql://db.internal/ccc", "ccc_app"), "postgresql://ccc_app@db.internal/ccc");
  // A unix socket directory as the host parameter, as the harnesses write it.
  EXPECT_EQ(url_with_user("postgresql://postgres@/shop?host=%2Ftmp%2Fpg%2Fsock&port=5432", "ccc_app"),
            "postgresql://ccc_app@/shop?host=%2Ftmp%2Fpg%2Fsock&port=5432");
  EXPECT_EQ(url_with_user("postgresql:///shop?host=/tmp/sock", "ccc_app"), "postgresql://ccc_app@/shop?host=/tmp/sock");
  // Several hosts, an IPv6 one.
  EXPECT_EQ(url_with_user("postgresql://o:p@[::1]:5432,db2:5433/ccc?target_session_attrs=read-write", "ccc_app"),
            "postgresql://ccc_app@[::1]:5432,db2:5433/ccc?target_session_attrs=read-write");
}

TEST(runtime_url, a_user_or_password_parameter_cannot_win_over_the_app_role) {
  const auto url = url_with_user("postgresql://db/ccc?user=owner&password=s3cret&application_name=ccc", "ccc_app");
  EXPECT_EQ(url, "postgresql://ccc_app@db/ccc?application_name=ccc");
  const auto read = as_libpq_reads(url);
  EXPECT_EQ(read.at("user"), "ccc_app");
  EXPECT_EQ(read.count("password"), 0u);

  const auto keywords = url_with_user("host=db dbname=ccc user=owner password=s3cret", "ccc_app");
  const auto from_keywords = as_libpq_reads(keywords);
  EXPECT_EQ(from_keywords.at("user"), "ccc_app");
  EXPECT_EQ(from_keywords.at("password"), "") << "empty: libpq then looks in ~/.pgpass";
  EXPECT_EQ(from_keywords.at("host"), "db");
  EXPECT_EQ(from_keywords.at("dbname"), "ccc");
}

TEST(runtime_url, keeps_verify_full_tls_and_every_other_parameter_as_libpq_reads_them) {
  const std::string owner =
      "postgresql://owner:s3cret@db.internal:5432/ccc?sslmode=verify-full&sslrootcert=%2Fetc%2Fccc%2Froot.crt"
      "&sslcert=/etc/ccc/app.crt&sslkey=/etc/ccc/app.key&connect_timeout=5";
  const auto derived = url_with_user(owner, "ccc_app");
  EXPECT_EQ(derived,
            "postgresql://ccc_app@db.internal:5432/ccc?sslmode=verify-full&sslrootcert=%2Fetc%2Fccc%2Froot.crt"
            "&sslcert=/etc/ccc/app.crt&sslkey=/etc/ccc/app.key&connect_timeout=5");
  auto want = as_libpq_reads(owner);
  want["user"] = "ccc_app";
  want.erase("password");
  EXPECT_EQ(as_libpq_reads(derived), want);
  EXPECT_EQ(want.at("sslmode"), "verify-full");
  EXPECT_EQ(want.at("sslrootcert"), "/etc/ccc/root.crt");

  const auto keywords =
      url_with_user("host=db.internal dbname=ccc sslmode=verify-full sslrootcert=/etc/ccc/root.crt", "ccc_app");
  const auto read = as_libpq_reads(keywords);
  EXPECT_EQ(read.at("sslmode"), "verify-full");
  EXPECT_EQ(read.at("sslrootcert"), "/etc/ccc/root.crt");
  EXPECT_EQ(read.at("user"), "ccc_app");
}

TEST(runtime_url, database_app_url_wins_when_set) {
  EXPECT_EQ(runtime_url("postgresql://owner@db/ccc", "postgresql://ccc_app:pw@db/ccc?sslmode=verify-full"),
            "postgresql://ccc_app:pw@db/ccc?sslmode=verify-full");
  EXPECT_EQ(runtime_url("postgresql://owner@db/ccc", ""), "postgresql://ccc_app@db/ccc");
}

TEST(runtime_url, the_derived_url_logs_in_as_ccc_app_on_the_test_cluster) {
  test_support::test_database db{"urls"};
  const auto owner = persistence::role_of(db.url());
  const auto runtime = persistence::role_of(runtime_url(db.url(), ""));
  EXPECT_EQ(runtime.name, "ccc_app");
  EXPECT_FALSE(runtime.bypasses_row_security);
  EXPECT_NE(owner.name, runtime.name);
}

}  // namespace
