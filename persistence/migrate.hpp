#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace persistence {

// Applies the migrations in `dir` (files named NNN_description.sql) that the
// database has not seen, in version order, each in its own transaction
// together with its row in schema_migrations. Nodes starting at once
// serialise on an advisory lock, so each file runs exactly once; running it
// again applies nothing. Returns the versions this call applied. Throws on
// any failure (the failing file's transaction is rolled back, earlier files
// stay applied).
std::vector<int> migrate(const std::string& url, const std::filesystem::path& dir);

// Same, with the migrations shipped in the source tree
// (ORDER_ENGINE_MIGRATIONS_DIR).
std::vector<int> migrate(const std::string& url);

}  // namespace persistence
