// The wallet CSV export the admin uploads (POST /admin/api/payments/import), as
// the import hands it to domain::parse_wallet_csv: any bytes, the shop's coins.
// Besides not crashing, the parse keeps what wallet_csv.hpp promises: rows in
// file order, each accepted row with a trimmed txid of 1..200 characters, a
// configured coin and an amount above zero, each duplicate after its first,
// and txid and memo text PostgreSQL can store (UTF-8 without NUL: the rows of
// an import go to the database together, so one bad row would fail them all).
// A refused file is an error value; nothing is thrown (the import catches nothing).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/payment.hpp"
#include "domain/wallet_csv.hpp"

namespace {

using namespace domain;

payment_method coin(const char* code, int decimals) {
  payment_method m;
  m.code = code;
  m.decimals = decimals;
  return m;
}

const std::vector<payment_method>& methods() {
  static const std::vector<payment_method> m{coin("XMR", 12), coin("BTC", 8), coin("ETH", 18), coin("USDC", 6)};
  return m;
}

void check(bool promise) {
  if (!promise) std::abort();
}

// nlohmann's dump refuses invalid UTF-8; PostgreSQL's text refuses NUL too.
bool storable(const std::string& text) {
  if (text.find('\0') != std::string::npos) return false;
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  auto parsed = parse_wallet_csv(text, methods());
  if (!parsed) {
    check(parsed.error().code == error_code::validation && parsed.error().field == "header");
    return 0;
  }
  const wallet_csv& file = parsed.value();
  int last = 1;  // the header's line
  for (const auto& row : file.rows) {
    check(row.line > last);
    last = row.line;
    check(!row.txid.empty() && row.txid.size() <= max_wallet_txid_length);
    check(!is_space(row.txid.front()) && !is_space(row.txid.back()));
    check(storable(row.txid) && storable(row.memo));
    check(row.amount > atomic_amount{0});
    check(find_method(methods(), row.coin) != nullptr && find_method(methods(), row.coin)->code == row.coin);
  }
  last = 1;
  for (const auto& duplicate : file.duplicates) {
    check(duplicate.line > last && duplicate.first_line < duplicate.line);
    last = duplicate.line;
  }
  last = 1;
  for (const auto& rejected : file.rejected) {
    check(rejected.line > last && !rejected.reason.empty());
    last = rejected.line;
  }
  return 0;
}
