#pragma once

// Where a rendered email goes: an SMTP server, or .eml files when none is configured.

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "mail/mime.hpp"

namespace mail {

/// A message that was not delivered. transient(): a later retry may succeed (nothing
/// listening, timeouts, a 4xx reply, a full disk); otherwise the server refused it for
/// good (5xx) or the configuration cannot work, and retrying as is would not help.
class send_error : public std::runtime_error {
 public:
  send_error(const std::string& reason, bool transient, int smtp_code = 0)
      : std::runtime_error(reason), transient_(transient), smtp_code_(smtp_code) {}

  bool transient() const noexcept { return transient_; }
  /// The server's last reply code (550, 451, ...), 0 when there was none.
  int smtp_code() const noexcept { return smtp_code_; }

 private:
  bool transient_;
  int smtp_code_;
};

/// Blocking; meant to be called from a detached actor or a thread of its own. One
/// instance may be used from several threads at once.
class transport {
 public:
  virtual ~transport() = default;
  /// Delivers `mime` (to_mime(m, ...)) to every recipient of `m`, or throws send_error.
  virtual void send(const message& m, const std::string& mime) = 0;
  /// For the log: "smtp://mail.example:587" or "files in var/mail".
  virtual std::string describe() const = 0;
};

struct smtp_options {
  std::string url;                           ///< smtp://host:port (plain or STARTTLS) or smtps://host:port
  std::string username, password;            ///< AUTH when username is not empty
  bool starttls = false;                     ///< on smtp://, refuse to send unless STARTTLS succeeds
  std::chrono::milliseconds timeout{10000};  ///< connect, and each wait for the server
  std::string envelope_from;                 ///< MAIL FROM; empty: the address of the message's From
  std::string ca_file;                       ///< PEM bundle to trust instead of the system's (private relays)
};

/// libcurl SMTP: MAIL FROM, one RCPT TO per recipient (all must be accepted), DATA.
std::unique_ptr<transport> make_smtp_transport(smtp_options options);

/// Writes <dir>/<message id, sanitised>.eml atomically; the same id again replaces the
/// file, so a redelivery is recognisable rather than doubled. Creates `dir`.
std::unique_ptr<transport> make_file_drop_transport(std::filesystem::path dir);

/// The file name make_file_drop_transport uses for a Message-ID.
std::string file_drop_name(const std::string& message_id);

}  // namespace mail
