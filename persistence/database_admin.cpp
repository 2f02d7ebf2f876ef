#include "persistence/database_admin.hpp"

#include <algorithm>
#include <cctype>

#include <pqxx/pqxx>


namespace persistence {
namespace {

std::string create_database(const std::string& quoted_name) {
  return "create database " + quoted_name;
}

const char* const who_am_i =
    "select current_user::text, rolsuper or rolbypassrls from pg_roles where rolname = current_user";

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

// A query parameter of a URI: "user" in user=app, "password" in password=x.
std::string parameter_name(const std::string& parameter) {
  return parameter.substr(0, parameter.find('='));
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

std::string url_with_user(const std::string& url, const std::string& user) {
  // libpq: in key=value strings the last keyword wins, and an empty password
  // counts as none (it then reads ~/.pgpass).
  if (!is_uri(url)) return url + " user=" + quote_keyword_value(user) + " password=''";
  const auto authority = url.find("://") + 3;
  // As libpq reads a URI: credentials end at the first '@' before any '/'.
  const auto at_or_slash = url.find_first_of("@/", authority);
  const bool has_credentials = at_or_slash != std::string::npos && url[at_or_slash] == '@';
  const auto hosts = has_credentials ? at_or_slash + 1 : authority;
  std::string result = url.substr(0, authority) + encode_path_segment(user) + "@";
  // A user or password parameter would win over the one in front of the host.
  const auto query = url.find('?', hosts);
  result += url.substr(hosts, query == std::string::npos ? std::string::npos : query - hosts);
  if (query == std::string::npos) return result;
  std::string kept;
  for (std::size_t start = query + 1; start <= url.size();) {
    auto end = url.find('&', start);
    if (end == std::string::npos) end = url.size();
    const auto parameter = url.substr(start, end - start);
    const auto name = parameter_name(parameter);
    if (!parameter.empty() && name != "user" && name != "password") kept += (kept.empty() ? "" : "&") + parameter;
    start = end + 1;
  }
  return kept.empty() ? result : result + "?" + kept;
}

std::string runtime_url(const std::string& owner_url, const std::string& app_url) {
  return app_url.empty() ? url_with_user(owner_url, app_role) : app_url;
}

login_role role_of(const std::string& url) {
  pqxx::connection conn{url};
  pqxx::nontransaction txn{conn};
  const auto row = txn.exec1(who_am_i);
  return {row[0].as<std::string>(), row[1].as<bool>()};
}

}  // namespace persistence
