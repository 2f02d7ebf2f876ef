#pragma once

// Whole-database chores for throwaway clusters (test fixtures and the run
// script's private PostgreSQL), and the libpq URL helpers the engine uses to
// find its runtime's connection.

#include <string>

namespace persistence {

// `admin_url` must be allowed to create databases (e.g. a superuser URL to
// the `postgres` database).
void create_database(const std::string& admin_url, const std::string& name);
// Drops it if it exists, ending any sessions still connected to it.
void drop_database(const std::string& admin_url, const std::string& name);

// `url` with its database replaced by `name`. Understands URIs
// (postgresql://user@host:port/db?params, host may be empty with a
// ?host=/socket/dir parameter) and key=value strings.
std::string url_with_database(const std::string& url, const std::string& name);

// The role the engine's runtime logs in as (migration 008_roles.sql).
inline constexpr const char* app_role = "ccc_app";

// `url` with its user replaced by `user` and its password dropped (the
// owner's password is not another role's; libpq then looks in ~/.pgpass).
// Everything else stays as it is, byte for byte: hosts, port, database and
// every parameter (sslmode=verify-full, sslrootcert=..., host=/socket/dir).
// Same forms as url_with_database.
std::string url_with_user(const std::string& url, const std::string& user);

// The URL every actor connects with: `app_url` when set, else `owner_url` as
// app_role (database.app_url and database.url).
std::string runtime_url(const std::string& owner_url, const std::string& app_url);

struct login_role {
  std::string name;
  bool bypasses_row_security = false;  // a superuser or BYPASSRLS: sees every customer
};

// Connects with `url` and tells who that is; throws when it cannot connect.
login_role role_of(const std::string& url);

}  // namespace persistence
