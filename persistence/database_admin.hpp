#pragma once

// Whole-database chores for throwaway clusters: test fixtures and the run
// script's private PostgreSQL. Not used by a running engine.

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

}  // namespace persistence
