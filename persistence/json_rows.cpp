#include "persistence/json_rows.hpp"

namespace persistence {

namespace {

// Copies the runs of characters that need no escape in one append each (most
// of a payload: sealed texts are base64), escaping only what JSON requires.
void append_escaped(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // where the current run of unescaped characters starts
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // UTF-8 passes through; PostgreSQL rejects invalid sequences.
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[(c >> 4) & 0xf]);
        out.push_back(hex[c & 0xf]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

}  // namespace

void json_rows::begin_row() {
  if (rows_ > 0) out_.push_back(',');
  out_.push_back('{');
  first_field_ = true;
  ++rows_;
}

void json_rows::end_row() {
  out_.push_back('}');
}

void json_rows::key(std::string_view key) {
  if (!first_field_) out_.push_back(',');
  first_field_ = false;
  out_.push_back('"');
  out_.append(key);  // keys are our own identifiers, never user text
  out_ += "\":";
}

void json_rows::field(std::string_view name, std::string_view text) {
  key(name);
  append_escaped(out_, text);
}

void json_rows::field(std::string_view name, std::int64_t number) {
  key(name);
  out_ += std::to_string(number);
}

void json_rows::json_text_field(std::string_view name, std::string_view json) {
  key(name);
  if (json.empty())
    out_ += "null";
  else
    append_escaped(out_, json);
}

std::string json_rows::take() {
  out_.push_back(']');
  std::string result = std::move(out_);
  out_ = "[";
  rows_ = 0;
  first_field_ = true;
  return result;
}

}  // namespace persistence
