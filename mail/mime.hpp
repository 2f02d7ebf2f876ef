#pragma once

// One email as the mailer sends it, and its RFC 5322 / MIME wire form.

#include <string>
#include <vector>

#include "domain/strong_types.hpp"

namespace mail {

/// One email, ready to send.
struct message {
  /// "<outbox-42.ccc@cleveland-cartridge.example>": stable per outbox row, given by the
  /// caller, so that a redelivery after a crash carries the same id.
  std::string message_id;
  /// "Cleveland Cartridge Co <orders@cleveland-cartridge.example>" or a bare address.
  std::string from;
  /// Each "Name <address>" or a bare address.
  std::vector<std::string> to;
  std::string subject;  ///< UTF-8, one line (line breaks are folded into spaces)
  std::string text;     ///< plain-text part, UTF-8
  std::string html;     ///< HTML part, UTF-8
};

/// RFC 5322 + MIME: multipart/alternative (text/plain, then text/html; UTF-8,
/// quoted-printable, CRLF line ends, no line over 76 characters), headers Date (from
/// `date`), From, To, Subject (RFC 2047 encoded-words when not plain ASCII), Message-ID,
/// MIME-Version, Auto-Submitted. The same message and date give the same bytes.
/// Throws std::invalid_argument when the message cannot be sent as given: no sender or
/// recipient, an address with a line break, a control character or non-ASCII characters,
/// a Message-ID not of the form "<left@right>" (or with a control character).
std::string to_mime(const message& m, domain::timestamp date);

/// "Name <a@example.com>" -> "a@example.com"; a bare address is returned trimmed.
std::string address_of(const std::string& mailbox);

}  // namespace mail
