#include "persistence/database_admin.hpp"

#include <algorithm>
#include <cctype>

#include <pqxx/pqxx>


namespace persistence {
namespace {

std::string create_database(const std::string& quoted_name) {
  return "create database " + quoted_name;
}

// WITH (FORCE) ends sessions a crashed test left behind (PostgreSQL 13+).
std::string drop_database(const std::string& quoted_name) {
  return "drop database if exists " + quoted_name + " with (force)";
}


}  // namespace


namespace {

// CREATE/DROP DATABASE cannot run inside a transaction block.
void run_outside_transaction(const std::string& admin_url, const std::string& name,
                             std::string (*make_statement)(const std::string&)) {
  pqxx::connection conn{admin_url};
  pqxx::nontransaction txn{conn};
  txn.exec(make_statement(txn.quote_name(name)));
}

bool is_uri(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

// Percent-encodes what may not appear raw in a URI path segment.
std::string encode_path_segment(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  return out;
}

std::string quote_keyword_value(const std::string& text) {
  std::string out{"'"};
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace

void create_database(const std::string& admin_url, const std::string& name) {
  run_outside_transaction(admin_url, name, &create_database);
}

void drop_database(const std::string& admin_url, const std::string& name) {
  run_outside_transaction(admin_url, name, &drop_database);
}

std::string url_with_database(const std::string& url, const std::string& name) {
  if (!is_uri(url)) return url + " dbname=" + quote_keyword_value(name);  // libpq: the last keyword wins
  const auto authority = url.find("://") + 3;
  const auto query = url.find('?', authority);
  const auto authority_end = std::min(url.find('/', authority), query);
  std::string result = url.substr(0, authority_end) + "/" + encode_path_segment(name);
  if (query != std::string::npos) result += url.substr(query);
  return result;
}

}  // namespace persistence
