#pragma once

// The wallet CSV export the admin imports (docs/API.md, the import): parsed and checked
// row by row, so that bad rows are reported by line and never stop the good ones.
// Pure: text in, rows out; matching and the check against earlier imports are the
// caller's.

#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "domain/payment.hpp"
#include "domain/strong_types.hpp"

namespace domain {

/// The only header accepted, compared exactly (case-sensitive, no extra columns).
inline constexpr std::string_view wallet_csv_header = "txid,coin,amount,received_at,memo";

/// Longer tx ids are rejected: no chain has one, and the order refuses them too.
constexpr std::size_t max_wallet_txid_length = 200;

/// A row that can go to the matcher.
struct wallet_row {
  int line = 0;      // the line the row starts on; the header is line 1
  std::string txid;  // as written, surrounding spaces removed
  std::string coin;  // the payment method's code as configured ("XMR" for "xmr")
  atomic_amount amount;
  timestamp received_at;
  std::string memo;  // as written, quotes removed; empty when none
};

/// A well-formed row whose (coin, txid) an earlier row of the same file has:
/// counted once, reported so that the import's "duplicates" adds up.
struct duplicate_wallet_row {
  int line = 0;
  int first_line = 0;  // the row it repeats
  std::string coin;
  std::string txid;
};

struct rejected_wallet_row {
  int line = 0;
  std::string reason;  // a sentence for the admin, e.g. "unknown coin \"DOGE\""
};

/// Every data row lands in exactly one list; each list is in file order.
struct wallet_csv {
  std::vector<wallet_row> rows;
  std::vector<duplicate_wallet_row> duplicates;
  std::vector<rejected_wallet_row> rejected;
};

/// Parses the export: RFC 4180 (fields in double quotes may hold commas, line
/// breaks and doubled quotes), CRLF or LF line ends, a UTF-8 byte order mark
/// (spreadsheets write one) and empty lines ignored. The coin must be one of
/// `methods` (any case); the amount a plain decimal in the coin's unit with at
/// most the coin's decimals, more than zero; received_at RFC 3339.
/// A file that is empty or does not start with `wallet_csv_header` is refused as a
/// whole: error_code::validation, field "header".
result<wallet_csv> parse_wallet_csv(std::string_view text, const std::vector<payment_method>& methods);

}  // namespace domain
