#include "domain/wallet_csv.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <variant>

#include "domain/money.hpp"
#include "domain/time.hpp"

namespace domain {
namespace {

constexpr std::size_t header_field_count = 5;

bool ends_plain_text(char c) {
  return c == ',' || c == '\n' || c == '"' || c == '\r';
}

// memchr: an import is megabytes, and a loop per character is slow in the
// debug builds the tests run in.
int count_line_breaks(std::string_view text) {
  int count = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (const void* found = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
    ++count;
    p = static_cast<const char*>(found) + 1;
  }
  return count;
}

// Reads RFC 4180 records one at a time. Fields go into a vector the caller keeps
// across rows, so that after the first few rows no field allocates again.
class record_reader {
 public:
  explicit record_reader(std::string_view text) : text_(text) {}

  struct record {
    int line = 0;                 // where the record starts
    std::size_t field_count = 0;  // fields[0, field_count) hold this record
    bool empty_line = false;
    bool stray_quote = false;     // a quote inside an unquoted field, or text after a closing quote
    bool unclosed_quote = false;  // the file ended inside a quoted field
  };

  bool at_end() const { return pos_ >= text_.size(); }

  void skip_byte_order_mark() {
    if (text_.substr(pos_, 3) == "\xEF\xBB\xBF") pos_ += 3;
  }

  record next(std::vector<std::string>& fields) {
    record r;
    r.line = line_;
    const std::size_t start = pos_;
    std::string* field = &next_field(fields, r);
    bool at_field_start = true;
    bool after_closing_quote = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"' && at_field_start) {
        read_quoted(*field, r);
        at_field_start = false;
        after_closing_quote = true;
        continue;
      }
      if (c == ',') {
        ++pos_;
        field = &next_field(fields, r);
        at_field_start = true;
        after_closing_quote = false;
        continue;
      }
      if (c == '\n' || (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n')) {
        r.empty_line = pos_ == start;
        pos_ += c == '\n' ? 1 : 2;
        ++line_;
        return r;
      }
      if (after_closing_quote || c == '"') r.stray_quote = true;
      // Plain text up to the next character that means something; a lone CR is text.
      std::size_t end = pos_ + 1;
      while (end < text_.size() && !ends_plain_text(text_[end])) ++end;
      field->append(text_.data() + pos_, end - pos_);
      pos_ = end;
      at_field_start = false;
    }
    return r;
  }

 private:
  std::string& next_field(std::vector<std::string>& fields, record& r) {
    if (r.field_count == fields.size()) fields.emplace_back();
    std::string& f = fields[r.field_count++];
    f.clear();
    return f;
  }

  // From an opening quote to just past its closing quote; "" inside is one quote.
  void read_quoted(std::string& field, record& r) {
    ++pos_;
    for (;;) {
      const std::size_t quote = text_.find('"', pos_);
      const std::size_t end = quote == std::string_view::npos ? text_.size() : quote;
      line_ += count_line_breaks(text_.substr(pos_, end - pos_));
      field.append(text_.data() + pos_, end - pos_);
      if (quote == std::string_view::npos) {
        pos_ = text_.size();
        r.unclosed_quote = true;
        return;
      }
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        field.push_back('"');
        ++pos_;
        continue;
      }
      return;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// What PostgreSQL can store as text: UTF-8 (no overlong forms, no surrogates)
// without NUL. The rows of an import travel to the database together, so one
// row that is not would fail every row sent with it, on every retry.
bool is_storable_text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead == 0) return false;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t more = 0;
    std::uint32_t code = 0;
    if ((lead & 0xE0) == 0xC0) {
      more = 1;
      code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      more = 2;
      code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      more = 3;
      code = lead & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= more) return false;
    for (std::size_t k = 1; k <= more; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (code < least[more] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += more + 1;
  }
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// What the admin wrote, quoted and cut short, so that a reason stays one line.
std::string shown(std::string_view value) {
  constexpr std::size_t max_shown = 40;
  std::string out = "\"";
  out.append(value.substr(0, max_shown));
  if (value.size() > max_shown) out += "...";
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out + "\"";
}

const payment_method* method_for(const std::vector<payment_method>& methods, std::string_view coin) {
  for (const auto& m : methods)
    if (same_ignoring_case(m.code, coin)) return &m;
  return nullptr;
}

// The amount in atomic units, or why not. Wallets export incoming transfers as
// plain decimals; anything else (a sign, an exponent, a thousands separator)
// is refused rather than guessed at.
std::variant<atomic_amount, std::string> read_amount(std::string_view text, const payment_method& method) {
  if (text.empty()) return std::string{"amount is empty"};
  if (text.front() == '-') return "amount " + shown(text) + " is negative: an outgoing transfer is not a payment";
  const auto point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction)))
    return "amount " + shown(text) + " is not a decimal number like 0.041230";
  if (static_cast<int>(fraction.size()) > method.decimals)
    return "amount " + shown(text) + " has " + std::to_string(fraction.size()) + " decimals; " + method.code + " has " +
           std::to_string(method.decimals);
  const auto amount = parse_coin(text, method.decimals);
  if (!amount) return "amount " + shown(text) + " is too large";
  if (*amount == atomic_amount{0}) return std::string{"amount is zero"};
  return *amount;
}

// One data row: a wallet_row, or the first reason it cannot be one.
std::variant<wallet_row, std::string> read_row(const record_reader::record& r, const std::vector<std::string>& fields,
                                               const std::vector<payment_method>& methods) {
  if (r.unclosed_quote) return std::string{"a quoted field is never closed (a \" is missing)"};
  if (r.stray_quote)
    return std::string{"a double quote inside a field: quote the whole field and double the quotes inside"};
  if (r.field_count != header_field_count)
    return "expected 5 fields (" + std::string{wallet_csv_header} + "), found " + std::to_string(r.field_count);

  wallet_row row;
  row.line = r.line;
  const std::string_view txid = trim(fields[0]);
  if (txid.empty()) return std::string{"txid is empty"};
  if (txid.size() > max_wallet_txid_length)
    return "txid is longer than " + std::to_string(max_wallet_txid_length) + " characters";
  if (!is_storable_text(txid)) return std::string{"txid is not UTF-8 text (or holds a NUL character)"};
  row.txid = std::string{txid};

  const std::string_view coin = trim(fields[1]);
  if (coin.empty()) return std::string{"coin is empty"};
  const payment_method* method = method_for(methods, coin);
  if (!method) return "unknown coin " + shown(coin);
  row.coin = method->code;

  auto amount = read_amount(trim(fields[2]), *method);
  if (auto* why = std::get_if<std::string>(&amount)) return std::move(*why);
  row.amount = std::get<atomic_amount>(amount);

  const std::string_view time = trim(fields[3]);
  const auto received_at = parse_rfc3339(time);
  if (!received_at) return "received_at " + shown(time) + " is not an RFC 3339 time like 2026-11-26T11:16:46Z";
  row.received_at = *received_at;

  if (!is_storable_text(fields[4])) return std::string{"memo is not UTF-8 text (or holds a NUL character)"};
  row.memo = fields[4];
  return row;
}

std::string joined(const std::vector<std::string>& fields, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out += ',';
    out += fields[i];
  }
  return out;
}

// Field by field, so that one quoted field "txid,coin,..." is not taken for five.
bool is_the_header(const std::vector<std::string>& fields, std::size_t count) {
  static constexpr std::string_view names[header_field_count] = {"txid", "coin", "amount", "received_at", "memo"};
  if (count != header_field_count) return false;
  for (std::size_t i = 0; i < count; ++i)
    if (fields[i] != names[i]) return false;
  return true;
}

domain_error header_error(std::string detail) {
  return make_error(error_code::validation, std::move(detail), "header");
}

}  // namespace

result<wallet_csv> parse_wallet_csv(std::string_view text, const std::vector<payment_method>& methods) {
  const std::string expected_header = "the first line must be the header " + std::string{wallet_csv_header};
  record_reader reader{text};
  reader.skip_byte_order_mark();
  if (reader.at_end()) return header_error("the file is empty; " + expected_header);

  std::vector<std::string> fields;
  fields.reserve(header_field_count + 1);
  const auto header = reader.next(fields);
  if (header.unclosed_quote || header.stray_quote || !is_the_header(fields, header.field_count))
    return header_error(expected_header + ", found " + shown(joined(fields, header.field_count)));

  wallet_csv out;
  const auto approximate_rows = static_cast<std::size_t>(count_line_breaks(text));
  out.rows.reserve(approximate_rows);
  // Key: coin, a separator no code or trimmed txid contains, txid. Value: first line.
  std::unordered_map<std::string, int> first_line_of;
  first_line_of.reserve(approximate_rows);
  std::string key;

  while (!reader.at_end()) {
    const auto record = reader.next(fields);
    if (record.empty_line) continue;
    auto parsed = read_row(record, fields, methods);
    if (auto* why = std::get_if<std::string>(&parsed)) {
      out.rejected.push_back(rejected_wallet_row{record.line, std::move(*why)});
      continue;
    }
    auto& row = std::get<wallet_row>(parsed);
    key.assign(row.coin).append(1, '\n').append(row.txid);
    const auto [seen, inserted] = first_line_of.try_emplace(key, row.line);
    if (!inserted) {
      out.duplicates.push_back(duplicate_wallet_row{row.line, seen->second, row.coin, row.txid});
      continue;
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace domain
