#include "mail/mime.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace mail {
namespace {

constexpr std::string_view crlf = "\r\n";
// RFC 2045: encoded lines of at most 76 characters, the soft break '=' included.
constexpr std::size_t qp_line_limit = 76;
// RFC 5322 recommends header lines of at most 78 characters.
constexpr std::size_t header_line_limit = 78;
// RFC 2047: a header line holding an encoded-word is at most 76 characters.
constexpr std::size_t encoded_word_line_limit = 76;
// RFC 5321 4.5.3.1.3: a path holds at most 256 octets, an address 254 of them.
constexpr std::size_t address_limit = 254;
// RFC 5322 2.1.1: no line may be longer than 998 characters; "Message-ID: " takes 12.
constexpr std::size_t message_id_limit = 998 - 12;

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

// Control characters have no place in an address or a Message-ID (RFC 5322
// atext), and written as they are they would reach the header raw.
bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string{s.substr(first, last - first + 1)};
}

// Any run of whitespace (line breaks included) becomes one space: a header value is
// one logical line, and a line break in it would start a header of the sender's choosing.
std::string single_line(std::string_view s) {
  std::string out;
  bool pending_space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                            std::uint32_t(std::uint8_t(bytes[i + 2]));
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The longest prefix of UTF-8 `s` of at most `limit` bytes that does not cut a
// character: RFC 2047 requires each encoded-word to hold whole characters.
std::string_view utf8_prefix(std::string_view s, std::size_t limit) {
  if (limit >= s.size()) return s;
  std::size_t cut = limit;
  // Step back over continuation bytes (10xxxxxx) to a character start.
  while (cut > 0 && (std::uint8_t(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut > 0 ? cut : limit);
}

// Encoded-words for `text`, folded so that no line exceeds 76 characters (RFC 2047 5).
// `used` is how much of the current line precedes the first word.
std::string encoded_words(std::string_view text, std::size_t used) {
  std::string out;
  std::size_t line = used;
  bool first = true;
  while (!text.empty()) {
    if (!first) {
      out += "\r\n ";
      line = 1;
    }
    first = false;
    // "=?UTF-8?B?" + "?=" take 12; base64 turns 3 bytes into 4 characters.
    std::size_t bytes = line + 12 < encoded_word_line_limit ? (encoded_word_line_limit - line - 12) / 4 * 3 : 0;
    if (bytes < 4) {  // not even one character fits after what the line already holds
      out += "\r\n ";
      line = 1;
      bytes = (encoded_word_line_limit - line - 12) / 4 * 3;
    }
    const auto chunk = utf8_prefix(text, bytes);
    const auto word = "=?UTF-8?B?" + base64(chunk) + "?=";
    out += word;
    line += word.size();
    text.remove_prefix(chunk.size());
  }
  return out;
}

std::size_t last_line_length(const std::string& s) {
  const auto pos = s.rfind('\n');
  return pos == std::string::npos ? s.size() : s.size() - pos - 1;
}

// A decoder would take a plain-ASCII "=?...?=" for an encoded-word; such text is sent
// encoded so that it reads back as written.
bool needs_encoding(std::string_view s) {
  if (!is_ascii(s) || s.find("=?") != std::string_view::npos) return true;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

// Whether some run of `text` without a space would not fit on a header line after
// `used` characters: folding happens only at spaces, so such a run needs encoded-words.
bool has_unfoldable_word(std::string_view text, std::size_t used) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (used + end - start > header_line_limit) return true;
    used = 1;  // after a fold, the line starts with one space
    start = end + 1;
  }
  return false;
}

// "Name: value" folded at spaces so that lines stay near 78 characters.
std::string unstructured_header(std::string_view name, std::string_view value) {
  std::string out{name};
  out += ": ";
  if (needs_encoding(value) || has_unfoldable_word(value, out.size())) {
    out += encoded_words(value, out.size());
    out += crlf;
    return out;
  }
  std::size_t line_length = out.size();
  std::size_t pos = 0;
  bool first_word = true;
  while (pos < value.size()) {
    std::size_t end = value.find(' ', pos);
    if (end == std::string_view::npos) end = value.size();
    const auto word = value.substr(pos, end - pos);
    if (!first_word) {
      if (line_length + 1 + word.size() > header_line_limit) {
        out += "\r\n";
        line_length = 0;
      }
      out += ' ';
      ++line_length;
    }
    out += word;
    line_length += word.size();
    first_word = false;
    pos = end + 1;
  }
  out += crlf;
  return out;
}

// RFC 5322 "specials": a display name holding one must be a quoted-string.
bool has_specials(std::string_view s) {
  return s.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos;
}

struct mailbox {
  std::string display_name;  // may be empty
  std::string address;
};

mailbox parse_mailbox(const std::string& text, std::string_view field) {
  if (has_line_break(text))
    throw std::invalid_argument(std::string{field} + " holds a line break: " + single_line(text));
  mailbox box;
  const auto open = text.rfind('<');
  if (open == std::string::npos) {
    box.address = trim(text);
  } else {
    const auto close = text.find('>', open);
    if (close == std::string::npos || trim(std::string_view{text}.substr(close + 1)) != "")
      throw std::invalid_argument(std::string{field} + " is not \"Name <address>\": " + text);
    box.address = trim(std::string_view{text}.substr(open + 1, close - open - 1));
    box.display_name = trim(std::string_view{text}.substr(0, open));
    // An already quoted name loses its quotes here and is quoted again when written.
    if (box.display_name.size() >= 2 && box.display_name.front() == '"' && box.display_name.back() == '"') {
      std::string unquoted;
      for (std::size_t i = 1; i + 1 < box.display_name.size(); ++i) {
        if (box.display_name[i] == '\\' && i + 2 < box.display_name.size()) ++i;
        unquoted += box.display_name[i];
      }
      box.display_name = unquoted;
    }
  }
  const auto at = box.address.find('@');
  if (box.address.empty() || at == std::string::npos || at == 0 || at + 1 == box.address.size() ||
      box.address.find_first_of(" \t<>()[],;:\"\\") != std::string::npos || has_control(box.address) ||
      box.address.size() > address_limit)
    throw std::invalid_argument(std::string{field} + " has no valid address: " + text);
  if (!is_ascii(box.address))
    throw std::invalid_argument(std::string{field} + " address " + box.address +
                                " is not ASCII (SMTPUTF8 is not supported)");
  return box;
}

// `used`: how much of the current header line precedes the mailbox.
std::string format_mailbox(const mailbox& box, std::size_t used) {
  if (box.display_name.empty()) return box.address;
  std::string name;
  // A name that does not fit on a line as it is (a quoted name is never folded) is
  // written as encoded-words, which are.
  if (needs_encoding(box.display_name) || box.display_name.size() + 3 > header_line_limit) {
    // Some parsers (Python's email package among them) put a space between adjacent
    // encoded-words in a name, against RFC 2047 6.2; a name that fits one word gets
    // one, on a line of its own if need be.
    const std::size_t one_word = 12 + (box.display_name.size() + 2) / 3 * 4;
    if (used + one_word > encoded_word_line_limit && 1 + one_word <= encoded_word_line_limit) {
      name = "\r\n " + encoded_words(box.display_name, 1);
    } else {
      name = encoded_words(box.display_name, used);
    }
  } else if (has_specials(box.display_name)) {
    name = "\"";
    for (char c : box.display_name) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += '"';
  } else {
    name = box.display_name;
  }
  const auto line = (name.find('\n') == std::string::npos ? used : 0) + last_line_length(name);
  const std::string angle_addr = "<" + box.address + ">";
  // Folding between the name and the address keeps long names within the line limit.
  return name + (line + 1 + angle_addr.size() > header_line_limit ? "\r\n " : " ") + angle_addr;
}

// "Thu, 26 Nov 2026 11:16:46 +0000", spelled out here because strftime follows the
// process locale and RFC 5322 wants English names.
std::string rfc5322_date(domain::timestamp t) {
  static constexpr const char* weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t seconds = domain::to_unix_ms(t) / 1000;
  if (domain::to_unix_ms(t) < 0 && domain::to_unix_ms(t) % 1000 != 0) --seconds;
  std::int64_t days = seconds / 86400;
  std::int64_t of_day = seconds % 86400;
  if (of_day < 0) {
    of_day += 86400;
    --days;
  }
  // 1970-01-01 was a Thursday.
  const auto weekday = weekdays[((days % 7) + 7) % 7];
  // Civil date from days since the epoch (proleptic Gregorian).
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04lld %02d:%02d:%02d +0000", weekday, day, months[month - 1],
                static_cast<long long>(year), static_cast<int>(of_day / 3600), static_cast<int>(of_day / 60 % 60),
                static_cast<int>(of_day % 60));
  return buffer;
}

// Quoted-printable (RFC 2045 6.7) with CRLF hard line breaks. Besides what the RFC
// requires, a '.' or "From " starting an encoded line is escaped: relays that neither
// dot-stuff nor mbox-escape then cannot damage the text.
std::string quoted_printable(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t line_length = 0;
  std::size_t i = 0;
  // Characters that go as they are, inside a line and short of its last place,
  // are copied a run at a time: an email is mostly such runs, and one append
  // per character was most of what encoding cost. A blank goes in a run only
  // when something other than a line break follows it.
  static constexpr auto printable = [] {
    std::array<bool, 256> as_is{};
    for (int c = 0x21; c < 0x7F; ++c) as_is[static_cast<std::size_t>(c)] = c != '=';
    return as_is;
  }();
  const auto goes_as_is = [&](std::size_t at) {
    const unsigned char c = static_cast<unsigned char>(text[at]);
    if (printable[c]) return true;
    if (c != ' ' && c != '\t') return false;
    return at + 1 < text.size() && text[at + 1] != '\r' && text[at + 1] != '\n';
  };
  while (i < text.size()) {
    if (line_length > 0) {
      const std::size_t stop = std::min(text.size(), i + (qp_line_limit - 1 - line_length));
      std::size_t end = i;
      while (end < stop && goes_as_is(end)) ++end;
      if (end > i) {
        out.append(text.data() + i, end - i);
        line_length += end - i;
        i = end;
        continue;
      }
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      out += crlf;
      line_length = 0;
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\r' || text[i + 1] == '\n';
    bool escape = c == '=' || (c < 0x20 && c != '\t') || c >= 0x7F ||
                  ((c == ' ' || c == '\t') && at_line_end);  // trailing blanks get stripped in transit
    // The last character of a line may use all 76 places; any other leaves one for '='.
    const std::size_t limit = at_line_end ? qp_line_limit : qp_line_limit - 1;
    if (line_length + (escape ? 3 : 1) > limit) {
      out += "=\r\n";
      line_length = 0;
    }
    if (line_length == 0 && (c == '.' || text.substr(i, 5) == "From ")) escape = true;
    if (escape) {
      out += '=';
      out += hex[c >> 4];
      out += hex[c & 15];
      line_length += 3;
    } else {
      out += static_cast<char>(c);
      ++line_length;
    }
    ++i;
  }
  return out;
}

// FNV-1a: a boundary derived from the message id keeps the output reproducible.
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void check_message_id(const std::string& id) {
  const bool shaped = id.size() >= 5 && id.size() <= message_id_limit && id.front() == '<' && id.back() == '>' &&
                      id.find('@') != std::string::npos && id.find('@') > 1 && id.find('@') + 2 < id.size();
  if (!shaped || has_line_break(id) || has_control(id) || !is_ascii(id) ||
      id.find_first_of(" \t\"\\()[],;:", 1) != std::string::npos || id.find_first_of("<>", 1) != id.size() - 1)
    throw std::invalid_argument("Message-ID is not of the form <left@right>: " + single_line(id));
}

}  // namespace

std::string address_of(const std::string& mailbox_text) {
  const auto open = mailbox_text.rfind('<');
  if (open == std::string::npos) return trim(mailbox_text);
  const auto close = mailbox_text.find('>', open);
  return trim(std::string_view{mailbox_text}.substr(
      open + 1, (close == std::string::npos ? mailbox_text.size() : close) - open - 1));
}

std::string to_mime(const message& m, domain::timestamp date) {
  check_message_id(m.message_id);
  if (trim(m.from).empty()) throw std::invalid_argument("the message has no sender (From)");
  if (m.to.empty()) throw std::invalid_argument("the message has no recipient (To)");
  const auto from = format_mailbox(parse_mailbox(m.from, "From"), 6);

  // One recipient per line: simple, and within the line limit however many there are.
  std::string to_header = "To: ";
  for (std::size_t i = 0; i < m.to.size(); ++i) {
    if (i > 0) to_header += ",\r\n ";
    to_header += format_mailbox(parse_mailbox(m.to[i], "To"), i == 0 ? 4 : 1);
  }
  to_header += crlf;

  char boundary_hash[17];
  std::snprintf(boundary_hash, sizeof boundary_hash, "%016llx", static_cast<unsigned long long>(fnv1a(m.message_id)));
  // Quoted-printable output never holds "=_", so this boundary cannot occur in a part.
  const std::string boundary = std::string{"=_ccc_alt_"} + boundary_hash;

  std::string out;
  out.reserve(m.text.size() + m.html.size() + 1024);
  out += "Date: " + rfc5322_date(date) + "\r\n";
  out += "From: " + from + "\r\n";
  out += to_header;
  out += unstructured_header("Subject", single_line(m.subject));
  out += "Message-ID: " + m.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  // RFC 3834: tells vacation responders not to answer a machine.
  out += "Auto-Submitted: auto-generated\r\n";
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "This is a multi-part message in MIME format.\r\n";
  auto part = [&](std::string_view type, std::string_view body) {
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: ";
    out += type;
    out += "; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quoted_printable(body);
  };
  part("text/plain", m.text);
  part("text/html", m.html);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace mail
