#pragma once

// What the mail tests share: a real SMTP server (Debian's aiosmtpd, run by
// /usr/bin/python3) that writes every message it accepts to a directory, a MIME decoder
// (Python's email package, independent of ours), and a realistic order.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace mail_test {

namespace fs = std::filesystem;
using nlohmann::json;

// The Debian interpreter: it sees Debian's python3-aiosmtpd, a pyenv python may not.
inline constexpr const char* python = "/usr/bin/python3";

inline fs::path templates_dir() {
  return fs::path{ORDER_ENGINE_SOURCE_DIR} / "config" / "templates";
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void write_text(const fs::path& path, const std::string& content) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

using test_support::temp_dir;

/// Runs argv, returns its standard output; throws with its standard error when it fails.
inline std::string run(const std::vector<std::string>& argv) {
  temp_dir scratch;
  const auto out_path = scratch.path() / "stdout";
  const auto err_path = scratch.path() / "stderr";
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(argv.front() + " failed: " + read_text(err_path));
  return read_text(out_path);
}

// Decodes a message the way a mail client would (Python's email package with the
// modern policy) and reports what a reader would see, plus the wire-level facts a
// relay cares about (line lengths, bare line feeds, parser defects).
inline constexpr const char* decode_script = R"PY(
import base64, json, sys, email, email.header, email.utils
from email import policy
raw = open(sys.argv[1], 'rb').read()
if sys.argv[1].endswith('.json'):
    raw = base64.b64decode(json.load(open(sys.argv[1]))['raw'])
msg = email.message_from_bytes(raw, policy=policy.default)
# Display names decoded as RFC 2047 6.2 says (adjacent encoded-words join without the
# space between them); the modern policy's address parser keeps that space.
legacy = email.message_from_bytes(raw)
def rfc2047_names(field):
    header = str(email.header.make_header(email.header.decode_header(legacy[field])))
    return [name for name, _ in email.utils.getaddresses([header])]
lines = raw.split(b'\r\n')
parts = []
defects = [type(d).__name__ for d in msg.defects]
for part in msg.walk():
    defects += [type(d).__name__ for d in part.defects]
    if part.is_multipart():
        continue
    parts.append({
        'type': part.get_content_type(),
        'charset': part.get_content_charset(),
        'transfer_encoding': part.get('Content-Transfer-Encoding'),
        # What a reader sees: the client's own line ends, not the wire's CRLF.
        'content': part.get_content().replace('\r\n', '\n'),
    })
print(json.dumps({
    'from': str(msg['From']),
    'from_address': msg['From'].addresses[0].addr_spec,
    'from_name': rfc2047_names('From')[0],
    'to': [a.addr_spec for a in msg['To'].addresses],
    'to_names': rfc2047_names('To'),
    'subject': str(msg['Subject']),
    'message_id': str(msg['Message-ID']),
    'date': str(msg['Date']),
    'date_unix': int(msg['Date'].datetime.timestamp()),
    'mime_version': str(msg['MIME-Version']),
    'content_type': msg.get_content_type(),
    'parts': parts,
    'defects': defects,
    'longest_line': max(len(l) for l in lines),
    'bare_line_feeds': raw.count(b'\n') - raw.count(b'\r\n'),
    'lines_starting_with_dot': sum(1 for l in lines if l.startswith(b'.')),
    'lines_starting_with_from': sum(1 for l in lines if l.startswith(b'From ')),
    'header_names': [k for k in msg.keys()],
}))
)PY";

inline json decode_file(const fs::path& path) {
  temp_dir scratch;
  const auto script = scratch.path() / "decode.py";
  write_text(script, decode_script);
  return json::parse(run({python, script.string(), path.string()}));
}

inline json decode_mime(const std::string& raw) {
  temp_dir scratch;
  const auto file = scratch.path() / "message.eml";
  write_text(file, raw);
  return decode_file(file);
}

/// The decoded content of the part of that MIME type ("" when absent).
inline std::string part(const json& decoded, const std::string& type) {
  for (const auto& p : decoded.at("parts"))
    if (p.at("type") == type) return p.at("content").get<std::string>();
  return "";
}

using test_support::free_port;

inline bool accepts_connections(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(s);
  return ok;
}

// The aiosmtpd handler: RCPT rejections by address, AUTH PLAIN and LOGIN against one
// user, and every accepted message written (atomically) to <outdir>/<n>.json with its
// envelope and the login that sent it.
inline constexpr const char* sink_handler = R"PY(
import base64, itertools, json, os
from aiosmtpd.smtp import AuthResult, MISSING


class Sink:
    @classmethod
    def from_cli(cls, parser, config_path):
        return cls(config_path)

    def __init__(self, config_path):
        with open(config_path) as f:
            config = json.load(f)
        self.outdir = config['outdir']
        self.rejects = config.get('rejects', {})
        self.user = config.get('user', '').encode()
        self.password = config.get('password', '').encode()
        # A restarted server goes on numbering after what it already wrote.
        self.numbers = itertools.count(1 + len([n for n in os.listdir(self.outdir) if n.endswith('.json')]))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejects:
            return self.rejects[address]
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        record = {
            'mail_from': envelope.mail_from,
            'rcpt_tos': envelope.rcpt_tos,
            'auth_user': session.auth_data.decode() if isinstance(session.auth_data, bytes) else '',
            'peer_port': session.peer[1],
            'raw': base64.b64encode(envelope.original_content).decode(),
        }
        path = os.path.join(self.outdir, '%06d.json' % next(self.numbers))
        with open(path + '.tmp', 'w') as f:
            json.dump(record, f)
        os.rename(path + '.tmp', path)
        return '250 2.0.0 Message accepted for delivery'

    def _check(self, login, password):
        ok = bool(self.user) and login == self.user and password == self.password
        # handled=False: aiosmtpd then answers 535 itself
        return AuthResult(success=ok, handled=False, auth_data=login if ok else None)

    async def auth_PLAIN(self, server, args):
        if len(args) == 2:
            blob = base64.b64decode(args[1])
        else:
            blob = await server.challenge_auth('')
            if blob is MISSING:
                return AuthResult(success=False, handled=True)
        _, login, password = blob.split(b'\0')
        return self._check(login, password)

    async def auth_LOGIN(self, server, args):
        if len(args) == 2:
            login = base64.b64decode(args[1])
        else:
            login = await server.challenge_auth('Username:')
            if login is MISSING:
                return AuthResult(success=False, handled=True)
        password = await server.challenge_auth('Password:')
        if password is MISSING:
            return AuthResult(success=False, handled=True)
        return self._check(login, password)
)PY";

struct received {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string auth_user;
  fs::path file;  ///< the JSON record; decode_file() reads the message in it
  int peer_port = 0;  ///< the client's port: messages with the same one came over one connection
};

/// A real SMTP server on a free port for the life of the object.
class smtp_sink {
 public:
  struct options {
    std::map<std::string, std::string> rejects;  ///< recipient -> full reply, e.g. "550 ..."
    bool starttls = false;                       ///< offer STARTTLS, and require it before MAIL (aiosmtpd's default)
    std::string user, password;                  ///< AUTH (aiosmtpd offers it only after STARTTLS)
  };

  smtp_sink() : smtp_sink(options{}) {}
  explicit smtp_sink(options o, int port = 0) : options_(std::move(o)), port_(port ? port : free_port()) {
    fs::create_directories(dir_.path() / "inbox");
    json config{{"outdir", (dir_.path() / "inbox").string()},
                {"rejects", options_.rejects},
                {"user", options_.user},
                {"password", options_.password}};
    write_text(dir_.path() / "sink.json", config.dump());
    write_text(dir_.path() / "ccc_mail_sink.py", sink_handler);
    if (options_.starttls) make_certificate();
    start();
  }

  ~smtp_sink() { stop(); }
  smtp_sink(const smtp_sink&) = delete;
  smtp_sink& operator=(const smtp_sink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  /// The self-signed certificate the server presents (a CA file for the client).
  std::string certificate() const { return (dir_.path() / "cert.pem").string(); }

  /// Every message accepted so far, in order of arrival.
  std::vector<received> messages() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir_.path() / "inbox"))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<received> out;
    for (const auto& file : files) {
      const auto record = json::parse(read_text(file));
      out.push_back({record.at("mail_from"), record.at("rcpt_tos").get<std::vector<std::string>>(),
                     record.at("auth_user"), file, record.value("peer_port", 0)});
    }
    return out;
  }

  /// Stops the server, closing every connection, and starts it again on the same port.
  void restart() {
    stop();
    start();
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }

 private:
  void make_certificate() {
    run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout",
         (dir_.path() / "key.pem").string(), "-out", (dir_.path() / "cert.pem").string()});
  }

  void start() {
    std::vector<std::string> argv{
        python, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_), "-c", "ccc_mail_sink.Sink"};
    if (options_.starttls) {
      argv.insert(argv.end(), {"--tlscert", certificate(), "--tlskey", (dir_.path() / "key.pem").string()});
    }
    argv.push_back((dir_.path() / "sink.json").string());
    const auto log = dir_.path() / "server.log";
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::setenv("PYTHONPATH", dir_.path().c_str(), 1);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    // Poll until the server listens; it fails the test if the server dies or takes too long.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!accepts_connections(port_)) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("aiosmtpd exited at start: " + read_text(log));
      }
      if (std::chrono::steady_clock::now() > deadline) {
        stop();
        throw std::runtime_error("aiosmtpd did not listen within 20 s: " + read_text(log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  options options_;
  temp_dir dir_;
  int port_;
  pid_t pid_ = -1;
};

/// The data the mailer passes to the renderer for a realistic order (see
/// config/templates/README.md).
inline json sample_order_data() {
  return json::parse(R"JSON({
    "shop": {"name": "Cleveland Cartridge Co", "support_email": "support@cleveland-cartridge.example",
             "public_url": "http://127.0.0.1:8080"},
    "customer": {"name": "Zoë Müller", "email": "zoe@example.com"},
    "shipping_address": {"line1": "1200 Euclid Ave", "line2": "Suite 4", "city": "Cleveland",
                         "region": "OH", "postal_code": "44115", "country": "US"},
    "order": {
      "number": "CCC-2026-000042", "status": "pending", "created_at": "2026-11-26 11:16 UTC",
      "items": [
        {"name": "HP 64 Black Ink Cartridge", "sku": "HP-64-BK", "quantity": 2,
         "unit_price": "$34.99", "line_total": "$69.98"},
        {"name": "Brother TN-760 Toner", "sku": "BR-TN760", "quantity": 1,
         "unit_price": "$79.50", "line_total": "$79.50"}
      ],
      "subtotal": "$149.48", "shipping": "$5.00", "total": "$154.48",
      "payment": {"method": "Monero (XMR)", "address": "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge",
                  "amount_display": "0.912345678901 XMR", "memo": "CCC42",
                  "uri": "monero:4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge?tx_amount=0.912345678901",
                  "expires_at": "2026-11-27 11:16 UTC"}
    },
    "order_link": "http://127.0.0.1:8080/orders/42?token=tok_abc123",
    "admin_link": "http://127.0.0.1:8080/admin/orders/42",
    "review_link": "http://127.0.0.1:8080/orders/42?token=tok_abc123#review",
    "processing_time": "1-2 business days",
    "estimated_ship_date": "2026-11-28"
  })JSON");
}

}  // namespace mail_test
