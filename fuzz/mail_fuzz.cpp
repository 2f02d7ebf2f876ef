// Mailboxes and header encoding (mail/mime.hpp): the input is a message's
// fields separated by 0x1F (Message-ID, From, two To, Subject, text, HTML),
// given to mail::to_mime as the mailer gives it an outbox row, and each
// mailbox to mail::address_of as the mailer and the SMTP transport do.
//
// to_mime may refuse with std::invalid_argument (documented; the mailer marks
// the message dead). Whatever it returns must be a message no header can be
// smuggled into: 7-bit, CRLF line ends only, no line over 998 octets, only
// the headers to_mime writes, each once, and no control characters in them.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz/fields.hpp"
#include "mail/mime.hpp"

namespace {

void check(bool promise) {
  if (!promise) std::abort();
}

// 2026-11-26T11:16:46.123Z
const domain::timestamp date = domain::from_unix_ms(1'795'691'806'123);

void check_wire_form(const std::string& mime) {
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < mime.size(); ++i) {
    const auto c = static_cast<unsigned char>(mime[i]);
    check(c < 0x80);
    if (c == '\r') check(i + 1 < mime.size() && mime[i + 1] == '\n');
    if (c == '\n') {
      check(i > 0 && mime[i - 1] == '\r');
      check(i - line_start - 1 <= 998);
      line_start = i + 1;
    }
  }
  const auto end_of_headers = mime.find("\r\n\r\n");
  check(end_of_headers != std::string::npos);
  const std::string_view headers{mime.data(), end_of_headers + 2};
  static constexpr std::string_view names[] = {
      "Date:", "From:", "To:", "Subject:", "Message-ID:", "MIME-Version:", "Auto-Submitted:", "Content-Type:"};
  int seen[std::size(names)] = {};
  std::size_t pos = 0;
  while (pos < headers.size()) {
    const auto eol = headers.find("\r\n", pos);
    const auto line = headers.substr(pos, eol - pos);
    pos = eol + 2;
    for (unsigned char c : line) check(c >= 0x20 && c < 0x7F ? true : c == '\t');
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) continue;  // folded
    bool known = false;
    for (std::size_t k = 0; k < std::size(names); ++k) {
      if (line.substr(0, names[k].size()) == names[k]) {
        known = true;
        ++seen[k];
      }
    }
    check(known);
  }
  for (int count : seen) check(count == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = fuzz::split_fields(data, size, '\x1f', 7);
  auto field = [&](std::size_t i) { return i < fields.size() ? std::string(fields[i]) : std::string(); };
  mail::message m;
  m.message_id = field(0);
  m.from = field(1);
  m.to.push_back(field(2));
  if (fields.size() > 3 && !fields[3].empty()) m.to.push_back(field(3));
  m.subject = field(4);
  m.text = field(5);
  m.html = field(6);

  (void)mail::address_of(m.from);
  for (const auto& to : m.to) (void)mail::address_of(to);
  try {
    check_wire_form(mail::to_mime(m, date));
  } catch (const std::invalid_argument&) {
    // the message is dead at once, the admin sees why
  }
  return 0;
}
