// The engine fed what an attacker sends: oversized and trickled requests,
// broken text, absurd JSON and numbers, line breaks aimed at mail headers,
// paths that try to leave web/, odd methods and ambiguous framing. Each case
// gets its documented 4xx, writes nothing (every table that a request could
// touch is counted before and after) and leaves the engine answering.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/engine_process.hpp"
#include "support/temp_dir.hpp"

using namespace e2e;
using namespace std::chrono_literals;

namespace {

// ---- raw connections ----------------------------------------------------------

/// A plain TCP connection to the engine, for bytes no HTTP client would send.
class raw_connection {
 public:
  explicit raw_connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot connect to the engine");
  }
  ~raw_connection() { ::close(fd_); }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Writes what the server lets us write; false once it stopped reading.
  bool write(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// Reads until the server closes the connection or `patience` runs out.
  std::string read_to_close(std::chrono::milliseconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    std::string out;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return out;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
      char chunk[65536];
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        closed_ = true;
        return out;
      }
      out.append(chunk, static_cast<std::size_t>(n));
    }
  }

  /// Whether the server has closed its side (reads return end of stream or an error).
  bool closed_by_server() {
    if (closed_) return true;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char byte = 0;
    const auto n = ::recv(fd_, &byte, 1, MSG_PEEK);
    closed_ = n <= 0;
    return closed_;
  }

 private:
  int fd_;
  bool closed_ = false;
};

struct raw_answer {
  std::string bytes;  // everything the server sent
  bool closed = false;

  struct response {
    int status = 0;
    std::string body;
  };
  /// The responses in `bytes`, in order, each framed by its Content-Length.
  std::vector<response> responses() const {
    std::vector<response> out;
    std::size_t at = 0;
    while (bytes.compare(at, 7, "HTTP/1.") == 0 && at + 12 <= bytes.size()) {
      const auto head_end = bytes.find("\r\n\r\n", at);
      if (head_end == std::string::npos) break;
      std::string head = bytes.substr(at, head_end - at);
      for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const auto length_at = head.find("\r\ncontent-length:");
      const std::size_t length = length_at == std::string::npos ? 0 : std::stoul(head.substr(length_at + 17));
      out.push_back({std::stoi(bytes.substr(at + 9, 3)), bytes.substr(head_end + 4, length)});
      at = head_end + 4 + length;
    }
    return out;
  }
  std::vector<int> statuses() const {
    std::vector<int> out;
    for (const auto& r : responses()) out.push_back(r.status);
    return out;
  }
  /// The problem `type` of the first response, "" when it has none.
  std::string problem_type() const {
    const auto all = responses();
    if (all.empty()) return "";
    const auto parsed = json::parse(all.front().body, nullptr, false);
    return parsed.is_object() ? parsed.value("type", "") : "";
  }
  std::string first_body() const {
    const auto all = responses();
    return all.empty() ? "" : all.front().body;
  }
};

/// Writes `bytes` on a fresh connection and reads until the server closes it.
raw_answer exchange(int port, const std::string& bytes, std::chrono::milliseconds patience = 5s) {
  raw_connection connection{port};
  connection.write(bytes);
  raw_answer out;
  out.bytes = connection.read_to_close(patience);
  out.closed = connection.closed_by_server();
  return out;
}

std::ostream& operator<<(std::ostream& os, const raw_answer& a) {
  return os << (a.closed ? "[closed] " : "[open] ") << a.bytes.substr(0, 300);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- what the engine wrote ----------------------------------------------------

/// Rows in every table a customer's or the admin's request could write.
struct footprint {
  std::vector<long> rows;
  bool operator==(const footprint& other) const { return rows == other.rows; }
};

const std::vector<std::string> written_tables = {"orders",         "events", "customers",          "idempotency_keys",
                                                 "outbox",         "timers", "payment_exceptions", "payments",
                                                 "analytics_daily"};

std::ostream& operator<<(std::ostream& os, const footprint& f) {
  for (std::size_t i = 0; i < f.rows.size(); ++i) os << written_tables[i] << "=" << f.rows[i] << " ";
  return os;
}

// ---- the engine under attack --------------------------------------------------

// The request a client gets to send within http.read_timeout: short here so that
// the trickling clients are cut off within the test's patience.
constexpr auto read_timeout = 1s;

class hostile_input : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    mail_drop_ = new test_support::temp_dir{"ccc-hostile-mail"};
    engine_ = new engine_process{{{"ORDER_ENGINE_HTTP_READ_TIMEOUT", "1s"},
                                  {"ORDER_ENGINE_MAIL_DROP_DIR", mail_drop_->path().string()},
                                  {"ORDER_ENGINE_MAIL_POLL_INTERVAL", "100ms"}}};
    pending_ = new json(place());
    delivered_ = new json(place());
    const std::string id = (*delivered_)["id"];
    for (const json& command :
         {json{{"type", "verify_payment"},
               {"tx_id", "hostile-setup-tx"},
               {"amount_atomic", (*delivered_)["payment"]["amount_atomic"]}},
          json{{"type", "start_processing"}},
          json{
              {"type", "ship"}, {"carrier", "UPS"}, {"tracking_number", "1Z999"}, {"estimated_delivery", "2030-01-01"}},
          json{{"type", "mark_delivered"}}}) {
      const auto r = engine_->admin_command(id, command);
      if (r.status != 200)
        throw std::runtime_error("setting up a delivered order: " + command.dump() + " -> " + r.body);
    }
  }
  static void TearDownTestSuite() {
    delete pending_;
    delete delivered_;
    delete engine_;
    delete mail_drop_;
  }

 protected:
  static engine_process& engine() { return *engine_; }
  static int port() { return engine_->port(); }

  static json place() {
    const auto r = engine_->post("/api/orders", checkout_body());
    if (r.status != 201) throw std::runtime_error("checkout answered " + std::to_string(r.status) + ": " + r.body);
    return r.data();
  }

  /// A customer route of an order, with its access token.
  static std::string customer_path(const json& order, const std::string& action) {
    return "/api/orders/" + order["id"].get<std::string>() + "/" + action +
           "?token=" + order["access_token"].get<std::string>();
  }

  static footprint rows() {
    pqxx::connection connection{engine_->database().url()};
    pqxx::nontransaction tx{connection};
    footprint out;
    for (const auto& table : written_tables)
      out.rows.push_back(tx.exec1("SELECT count(*) FROM " + tx.quote_name(table))[0].as<long>());
    return out;
  }

  /// The process still answers, and a real request still works.
  static void expect_engine_up() {
    EXPECT_EQ(engine_->get("/healthz").status, 200);
    const auto products = engine_->get("/api/products");
    EXPECT_EQ(products.status, 200);
    EXPECT_FALSE(products.data().empty());
  }

  /// POST with `body` sent byte for byte (it may not be valid JSON or UTF-8).
  static reply post_raw(const std::string& target, const std::string& body,
                        std::map<std::string, std::string> headers = {}) {
    headers.emplace("Content-Type", "application/json");
    return send(engine_->port(), "POST", target, body, headers);
  }

  static test_support::temp_dir* mail_drop_;
  static engine_process* engine_;
  static json* pending_;    // a pending order: claims, cancels, admin commands
  static json* delivered_;  // a delivered order: reviews
};

test_support::temp_dir* hostile_input::mail_drop_ = nullptr;
engine_process* hostile_input::engine_ = nullptr;
json* hostile_input::pending_ = nullptr;
json* hostile_input::delivered_ = nullptr;

/// One place a customer's (or the admin's) text goes: a route and a body whose
/// text field holds the placeholder string "@@".
struct text_field {
  std::string field;  // as the problem's `field` names it
  std::string target;
  std::string body;
  bool admin = false;
};

std::string checkout_with(const std::string& path) {
  json body = checkout_body();
  body[json::json_pointer{path}] = "@@";
  return body.dump();
}

std::vector<text_field> every_text_field(const json& pending, const json& delivered) {
  const std::string commands = "/admin/api/orders/" + pending["id"].get<std::string>() + "/commands";
  auto customer = [](const json& order, const std::string& action) {
    return "/api/orders/" + order["id"].get<std::string>() + "/" + action +
           "?token=" + order["access_token"].get<std::string>();
  };
  return {
      {"customer.name", "/api/orders", checkout_with("/customer/name")},
      {"customer.email", "/api/orders", checkout_with("/customer/email")},
      {"shipping.line1", "/api/orders", checkout_with("/shipping/line1")},
      {"shipping.line2", "/api/orders", checkout_with("/shipping/line2")},
      {"shipping.city", "/api/orders", checkout_with("/shipping/city")},
      {"shipping.region", "/api/orders", checkout_with("/shipping/region")},
      {"shipping.postal_code", "/api/orders", checkout_with("/shipping/postal_code")},
      {"shipping.country", "/api/orders", checkout_with("/shipping/country")},
      {"items[0].sku", "/api/orders", checkout_with("/items/0/sku")},
      {"payment_method", "/api/orders", checkout_with("/payment_method")},
      {"tx_id", customer(pending, "payment-claim"), R"({"tx_id":"@@"})"},
      {"reason", customer(pending, "cancel"), R"({"reason":"@@"})"},
      {"text", customer(delivered, "review"), R"({"rating":5,"text":"@@"})"},
      {"type", "/api/analytics/events", R"({"type":"@@"})"},
      {"text", commands, R"({"type":"add_note","text":"@@"})", true},
      {"message", commands, R"({"type":"contact_customer","message":"@@"})", true},
      {"reason", commands, R"({"type":"cancel","reason":"@@"})", true},
      {"tx_id", commands, R"({"type":"verify_payment","tx_id":"@@","amount_atomic":"1"})", true},
      {"carrier", commands,
       R"({"type":"ship","carrier":"@@","tracking_number":"1Z","estimated_delivery":"2030-01-01"})", true},
      {"reason", "/admin/api/payments/exceptions/1/dismiss", R"({"reason":"@@"})", true},
  };
}

reply post_text(int port, const text_field& f, const std::string& json_text) {
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
  if (f.admin) headers.emplace("Authorization", "Bearer " + admin_token);
  return send(port, "POST", f.target, replace_all(f.body, "@@", json_text), headers);
}

// ---- oversized and slow requests ----------------------------------------------

TEST_F(hostile_input, oversized_headers_are_431_headers_too_large_and_close_the_connection) {
  const auto before = rows();
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "X-Header-" + std::to_string(i) + ": v\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"one 20 KB header", "GET /api/products HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"},
      {"one 1 MB header", "GET /api/products HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n"},
      {"2,000 small headers", "GET /api/products HTTP/1.1\r\nHost: x\r\n" + many + "\r\n"},
      {"a 9 KB path", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"a 9 KB checkout header",
       "POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: " +
           std::string(9000, 'k') + "\r\nContent-Length: 2\r\n\r\n{}"},
  };
  for (const auto& [name, request] : cases) {
    const auto answer = exchange(port(), request);
    EXPECT_EQ(answer.statuses(), std::vector<int>{431}) << name << ": " << answer;
    EXPECT_EQ(answer.problem_type(), "headers_too_large") << name;
    EXPECT_TRUE(answer.closed) << name;
  }
  // Many headers are fine while they fit in the limit.
  std::string fitting;
  for (int i = 0; i < 300; ++i) fitting += "X" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(
      exchange(port(), "GET /api/products HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + fitting + "\r\n").statuses(),
      std::vector<int>{200});
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, a_body_trickled_slower_than_the_read_timeout_is_cut_off_unanswered_and_places_nothing) {
  const auto before = rows();
  const std::string body = checkout_body().dump();
  raw_connection slow{port()};
  ASSERT_TRUE(slow.write("POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n"));
  const auto started = std::chrono::steady_clock::now();
  std::string answer;
  // One byte every 200 ms: the whole body would take minutes.
  for (std::size_t i = 0; i < body.size() && !slow.closed_by_server(); ++i) {
    if (!slow.write(body.substr(i, 1))) break;
    answer += slow.read_to_close(200ms);
  }
  const auto cut_after = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(slow.closed_by_server());
  EXPECT_LT(cut_after, read_timeout + 3s);
  EXPECT_EQ(answer, "");  // the contract: the connection is closed, no answer
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, headers_trickled_slower_than_the_read_timeout_are_cut_off_unanswered) {
  raw_connection slow{port()};
  ASSERT_TRUE(slow.write("GET /api/products HTTP/1.1\r\n"));
  const auto started = std::chrono::steady_clock::now();
  std::string answer;
  for (int i = 0; i < 100 && !slow.closed_by_server(); ++i) {
    if (!slow.write("X-" + std::to_string(i) + ": v\r\n")) break;
    answer += slow.read_to_close(200ms);
  }
  EXPECT_TRUE(slow.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, read_timeout + 3s);
  EXPECT_EQ(answer, "");
  expect_engine_up();
}

// ---- text ---------------------------------------------------------------------

TEST_F(hostile_input, invalid_utf8_in_any_text_field_is_400_malformed_json_and_writes_nothing) {
  const auto before = rows();
  // Raw bytes inside the JSON string, and an escape that names half a character.
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"a lone 0xFF byte", "Ada\xff"},
      {"an overlong slash", "Ada\xc0\xaf"},
      {"a surrogate encoded as UTF-8", "Ada\xed\xa0\x80"},
      {"a character cut short", "Ada\xe2\x82"},
      {"an escaped lone surrogate", "Ada\\ud800"},
  };
  for (const auto& f : every_text_field(*pending_, *delivered_)) {
    for (const auto& [what, text] : broken) {
      const auto r = post_text(port(), f, text);
      EXPECT_EQ(r.status, 400) << f.field << " " << f.target << ", " << what << ": " << r.body;
      EXPECT_EQ(r.data()["type"], "malformed_json") << f.field << ", " << what;
    }
  }
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, nul_and_control_characters_in_any_text_field_are_422_naming_the_field_and_write_nothing) {
  const auto before = rows();
  // NUL cannot be stored by PostgreSQL at all: before this was refused, it
  // failed the journal's whole batch, other customers' orders with it.
  for (const auto& f : every_text_field(*pending_, *delivered_)) {
    for (const std::string text : {"Ada\\u0000Lovelace", "Ada\\u001b[31m", "Ada\\u007f", "\\u0000"}) {
      const auto r = post_text(port(), f, text);
      EXPECT_EQ(r.status, 422) << f.field << " " << f.target << ", " << text << ": " << r.body;
      EXPECT_EQ(r.data()["type"], "validation") << f.field << ", " << text;
      EXPECT_EQ(r.data()["field"], f.field) << f.target << ", " << text;
    }
  }
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, line_breaks_in_a_name_address_line_email_or_tx_id_are_422_naming_the_field) {
  const auto before = rows();
  const std::vector<std::string> one_line_fields = {"customer.name",        "customer.email", "shipping.line1",
                                                    "shipping.line2",       "shipping.city",  "shipping.region",
                                                    "shipping.postal_code", "tx_id"};
  for (const auto& f : every_text_field(*pending_, *delivered_)) {
    if (f.admin || std::find(one_line_fields.begin(), one_line_fields.end(), f.field) == one_line_fields.end())
      continue;
    for (const std::string text : {"Ada\\r\\nBcc: eve@attacker.example", "Ada\\nX-Evil: 1", "Ada\\rB", "Ada\\tB"}) {
      const auto r = post_text(port(), f, text);
      EXPECT_EQ(r.status, 422) << f.field << ", " << text << ": " << r.body;
      EXPECT_EQ(r.data()["type"], "validation") << f.field << ", " << text;
      EXPECT_EQ(r.data()["field"], f.field) << text;
    }
  }
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, a_message_with_header_lines_in_it_stays_in_the_mail_body) {
  // Notes and messages may have several lines; what they say must never reach
  // the mail's header block.
  const std::string message = "Hello\r\nBcc: eve@attacker.example\r\nSubject: free money\r\n\r\nhostile-marker";
  const auto sent = engine().admin_command((*pending_)["id"], {{"type", "contact_customer"}, {"message", message}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  std::string mail;
  ASSERT_TRUE(eventually([&] {
    for (const auto& entry : std::filesystem::directory_iterator{mail_drop_->path()}) {
      std::ifstream in{entry.path(), std::ios::binary};
      std::string text{std::istreambuf_iterator<char>{in}, {}};
      if (contains(text, "hostile-marker")) mail = text;
    }
    return !mail.empty();
  }));
  // Every message the engine wrote, this one and the checkouts', has only the
  // engine's own headers.
  const std::vector<std::string> own = {
      "Date:", "From:", "To:", "Subject:", "Message-ID:", "MIME-Version:", "Auto-Submitted:", "Content-Type:"};
  for (const auto& entry : std::filesystem::directory_iterator{mail_drop_->path()}) {
    std::ifstream in{entry.path(), std::ios::binary};
    const std::string text{std::istreambuf_iterator<char>{in}, {}};
    const std::string head = text.substr(0, text.find("\r\n\r\n"));
    EXPECT_FALSE(contains(head, "attacker")) << entry.path() << ":\n" << head;
    std::size_t start = 0;
    while (start < head.size()) {
      const auto end = std::min(head.find("\r\n", start), head.size());
      const std::string line = head.substr(start, end - start);
      const bool folded = !line.empty() && (line[0] == ' ' || line[0] == '\t');
      const bool known =
          std::any_of(own.begin(), own.end(), [&](const std::string& name) { return line.rfind(name, 0) == 0; });
      EXPECT_TRUE(folded || known) << entry.path() << ": header line '" << line << "'";
      start = end + 2;
    }
  }
  // The message itself is the body's text.
  EXPECT_TRUE(contains(mail.substr(mail.find("\r\n\r\n")), "eve@attacker.example"));
  expect_engine_up();
}

// ---- JSON shapes and numbers --------------------------------------------------

TEST_F(hostile_input, deeply_nested_json_is_refused_by_size_or_shape_without_harm) {
  const auto before = rows();
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };

  const auto deepest = post_raw("/api/orders", nested(100000));  // 200 KB: over the body limit
  EXPECT_EQ(deepest.status, 413);
  EXPECT_EQ(deepest.data()["type"], "payload_too_large");

  const auto array_body = post_raw("/api/orders", nested(32000));  // as deep as 64 KiB allows
  EXPECT_EQ(array_body.status, 422);
  EXPECT_EQ(array_body.data()["type"], "validation");

  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(10000, '}');
  const auto object_body = post_raw("/api/orders", objects);
  EXPECT_EQ(object_body.status, 422);
  EXPECT_EQ(object_body.data()["field"], "items");

  const auto as_name = post_raw("/api/orders", replace_all(checkout_with("/customer/name"), R"("@@")", nested(30000)));
  EXPECT_EQ(as_name.status, 422);
  EXPECT_EQ(as_name.data()["field"], "customer.name");

  const auto as_claim = post_raw(customer_path(*pending_, "payment-claim"), R"({"tx_id":)" + nested(30000) + "}");
  EXPECT_EQ(as_claim.status, 422);
  EXPECT_EQ(as_claim.data()["field"], "tx_id");

  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, an_unknown_member_nested_32000_deep_is_ignored_and_its_retry_finds_the_same_order) {
  // Unknown members count for the idempotency fingerprint, so the whole deep
  // value is serialised: once for the order, once for its retry.
  const auto before = rows();
  json base = checkout_body();
  std::string body = base.dump();
  body.pop_back();
  body += R"(,"extra":)" + std::string(32000, '[') + std::string(32000, ']') + "}";
  ASSERT_LT(body.size(), 65536u);
  const auto first = post_raw("/api/orders", body, {{"Idempotency-Key", "hostile-deep-member"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const auto retry = post_raw("/api/orders", body, {{"Idempotency-Key", "hostile-deep-member"}});
  EXPECT_EQ(retry.status, 201);
  EXPECT_EQ(retry.data()["id"], first.data()["id"]);
  EXPECT_EQ(rows().rows[0], before.rows[0] + 1);  // one order
  expect_engine_up();
}

TEST_F(hostile_input, quantities_that_are_huge_negative_or_fractional_place_nothing) {
  const auto before = rows();
  struct quantity_case {
    std::string quantity;  // as written in the JSON text
    int status;
    std::string type;
  };
  const std::vector<quantity_case> cases = {
      {"1e400", 400, "malformed_json"},  // beyond a double: not a JSON number the engine reads
      {"-1e400", 400, "malformed_json"},
      {"NaN", 400, "malformed_json"},
      {"18446744073709551616", 422, "validation"},  // 2^64
      {"18446744073709551615", 422, "validation"},  // 2^64 - 1
      {"9223372036854775808", 422, "validation"},   // 2^63
      {"4294967298", 422, "validation"},            // 2^32 + 2: 2 if it were cut to 32 bits
      {"-1", 422, "validation"},
      {"0", 422, "validation"},
      {"100", 422, "validation"},
      {"2.5", 422, "validation"},
      {"2.0", 422, "validation"},
      {"1e1", 422, "validation"},
      {"\"2\"", 422, "validation"},
      {"true", 422, "validation"},
      {"[2]", 422, "validation"},
  };
  for (const auto& c : cases) {
    const auto r = post_raw("/api/orders", replace_all(checkout_with("/items/0/quantity"), R"("@@")", c.quantity));
    EXPECT_EQ(r.status, c.status) << c.quantity << ": " << r.body;
    EXPECT_EQ(r.data()["type"], c.type) << c.quantity;
    if (c.status == 422) EXPECT_EQ(r.data()["field"], "items[0].quantity") << c.quantity;
  }
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, ratings_and_amounts_out_of_range_are_refused_and_leave_the_orders_as_they_were) {
  const auto before = rows();
  for (const std::string rating : {"18446744073709551621", "4294967301", "-4294967291", "6", "0", "2.5", "5.0"}) {
    const auto r = post_raw(customer_path(*delivered_, "review"), R"({"rating":)" + rating + "}");
    EXPECT_EQ(r.status, 422) << rating << ": " << r.body;
    EXPECT_EQ(r.data()["field"], "rating") << rating;
  }
  EXPECT_EQ(post_raw(customer_path(*delivered_, "review"), R"({"rating":1e400})").status, 400);
  const std::string commands = "/admin/api/orders/" + (*pending_)["id"].get<std::string>() + "/commands";
  for (const std::string amount :
       {"18446744073709551616", "-5", "\"-5\"", "\"1.5\"", "\"0x10\"", "\"1e3\"", "0", "2.5"}) {
    const auto r =
        post_raw(commands, R"({"type":"verify_payment","tx_id":"hostile-amount","amount_atomic":)" + amount + "}",
                 {{"Authorization", "Bearer " + admin_token}});
    EXPECT_EQ(r.status, 422) << amount << ": " << r.body;
    EXPECT_EQ(r.data()["field"], "amount_atomic") << amount;
  }
  EXPECT_EQ(rows(), before);
  const auto order =
      engine().get("/api/orders/" + (*pending_)["id"].get<std::string>(), bearer((*pending_)["access_token"]));
  EXPECT_EQ(order.data()["status"], "pending");
  EXPECT_EQ(order.data()["payment"]["received_atomic"], "0");
  expect_engine_up();
}

// ---- paths --------------------------------------------------------------------

TEST_F(hostile_input, paths_that_try_to_leave_web_root_find_nothing_outside_it) {
  const std::string storefront = engine().get("/").body;
  const std::string dashboard = engine().get("/admin").body;
  struct path_case {
    std::string target;
    int status;
    std::string body;  // the page it must be, when 200
  };
  const std::vector<path_case> cases = {
      {"/../../../../etc/passwd", 404, ""},
      {"/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404, ""},
      {"/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", 404, ""},
      {"/..%2f..%2fetc/passwd", 404, ""},
      {"/%252e%252e/%252e%252e/etc/passwd", 404, ""},  // double encoding
      {"/%c0%ae%c0%ae/etc/passwd", 404, ""},           // overlong dots
      {"/..\\..\\etc\\passwd", 404, ""},
      {"/%5c..%5c..%5cetc%5cpasswd", 404, ""},
      {"/.git/config", 404, ""},
      {"/../.git/config", 404, ""},
      {"/%2e%2e/.git/config", 404, ""},
      {"/.env", 404, ""},
      {"//etc/passwd", 404, ""},
      {"/etc/passwd", 404, ""},
      {"/C:/Windows/win.ini", 404, ""},
      {"/index.html%00.js", 400, "bad_request"},
      {"/%", 400, "bad_request"},
      {"/%zz", 400, "bad_request"},
      {"http://shop.example/../../etc/passwd", 404, ""},
      {"file:///etc/passwd", 400, "bad_request"},
      {"/" + std::string(7000, 'a'), 404, ""},
      {"/js/../index.html", 404, ""},
      {"/api/../admin/api/orders", 404, ""},  // not normalised: no way around the admin prologue
      {"/admin/api/../../api/products", 401, ""},
      // The single-page app's own URLs answer with its index, whatever follows.
      {"/orders/../../../etc/passwd", 200, storefront},
      {"/admin/../../etc/passwd", 200, dashboard},
  };
  for (const auto& c : cases) {
    const auto answer = exchange(port(), "GET " + c.target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(answer.statuses(), std::vector<int>{c.status}) << c.target << ": " << answer;
    const std::string body = answer.first_body();
    if (c.status == 200) EXPECT_EQ(body, c.body) << c.target;
    if (c.status == 400) EXPECT_EQ(answer.problem_type(), "bad_request") << c.target;
    if (c.status == 404) EXPECT_EQ(answer.problem_type(), "not_found") << c.target;
    EXPECT_FALSE(contains(body, "root:")) << c.target;
    EXPECT_FALSE(contains(body, "[core]")) << c.target;
  }
  expect_engine_up();
}

TEST(hostile_web_root, a_symlink_out_of_the_web_root_is_never_followed) {
  test_support::temp_dir dir{"ccc-hostile-web"};
  dir.write("secret.txt", "the secret outside web/");
  dir.write("site/index.html", "<!doctype html><title>shop</title>");
  std::filesystem::create_symlink(dir.path() / "secret.txt", dir.path() / "site" / "leak.txt");
  std::filesystem::create_symlink(dir.path(), dir.path() / "site" / "up");
  std::filesystem::create_symlink("/etc/passwd", dir.path() / "site" / "passwd.txt");
  engine_process engine{{{"ORDER_ENGINE_WEB_ROOT", (dir.path() / "site").string()}}};
  for (const std::string target : {"/leak.txt", "/up/secret.txt", "/passwd.txt"}) {
    const auto r = engine.get(target);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_EQ(r.data()["type"], "not_found") << target;
    EXPECT_FALSE(contains(r.body, "secret")) << target;
  }
  EXPECT_EQ(engine.get("/index.html").status, 200);
}

// ---- methods, versions, framing -----------------------------------------------

TEST_F(hostile_input, trace_connect_and_made_up_methods_are_refused_without_an_echo) {
  const auto before = rows();
  struct method_case {
    std::string request;
    int status;
    std::string type;
  };
  const std::vector<method_case> cases = {
      {"TRACE /api/products HTTP/1.1\r\nHost: x\r\nX-Probe: hostile-echo\r\nConnection: close\r\n\r\n", 405,
       "method_not_allowed"},
      {"TRACE / HTTP/1.1\r\nHost: x\r\nX-Probe: hostile-echo\r\nConnection: close\r\n\r\n", 404, "not_found"},
      {"CONNECT shop.example:443 HTTP/1.1\r\nHost: shop.example:443\r\nConnection: close\r\n\r\n", 400, "bad_request"},
      {"FOO /api/orders HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405, "method_not_allowed"},
      {"DELETE /api/orders HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405, "method_not_allowed"},
      {"PUT /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nevil", 404, "not_found"},
      {std::string("G\x01T /api/products HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "bad_request"},
      {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n", 400, "bad_request"},
      {"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400, "bad_request"},
      {"GET /\r\n\r\n", 400, "bad_request"},
  };
  for (const auto& c : cases) {
    const auto answer = exchange(port(), c.request);
    EXPECT_EQ(answer.statuses(), std::vector<int>{c.status}) << c.request.substr(0, 40) << ": " << answer;
    EXPECT_EQ(answer.problem_type(), c.type) << c.request.substr(0, 40);
    EXPECT_FALSE(contains(answer.bytes, "hostile-echo")) << answer;
  }
  EXPECT_EQ(engine().get("/index.html").body.find("evil"), std::string::npos);
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

TEST_F(hostile_input, http_1_0_is_answered_in_kind_and_http_2_is_refused_or_ignored) {
  const auto old = exchange(port(), "GET /api/products HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.bytes.rfind("HTTP/1.0 200 ", 0), 0u) << old;
  EXPECT_TRUE(old.closed);  // no keep-alive unless asked for

  const auto preface = exchange(port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  EXPECT_EQ(preface.statuses(), std::vector<int>{400}) << preface;
  EXPECT_EQ(preface.problem_type(), "bad_request");
  EXPECT_TRUE(preface.closed);

  // An upgrade to cleartext HTTP/2 is not taken up: the answer is HTTP/1.1.
  const auto upgrade =
      exchange(port(),
               "GET /api/products HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"
               "Connection: Upgrade, HTTP2-Settings, close\r\n\r\n");
  EXPECT_EQ(upgrade.bytes.rfind("HTTP/1.1 200 ", 0), 0u) << upgrade;
  expect_engine_up();
}

TEST_F(hostile_input, ambiguous_body_framing_is_400_closes_the_connection_and_smuggles_nothing) {
  const auto before = rows();
  // Whatever follows the ambiguous request would be a second request if the
  // engine framed the body differently from a proxy in front of it.
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string post = "POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"two different Content-Lengths", post + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}" + smuggled},
      {"Content-Length then chunked",
       post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
      {"chunked then Content-Length",
       post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + smuggled},
      {"chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled},
      {"a coding after chunked", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled},
      {"an unknown coding", post + "Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + smuggled},
      {"an unknown coding and a length", post + "Transfer-Encoding: identity\r\nContent-Length: " +
                                             std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled},
      {"a chunk size that is not hex", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" + smuggled},
      {"a chunk size beyond 64 bits",
       post + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n{}\r\n0\r\n\r\n" + smuggled},
      {"a negative Content-Length", post + "Content-Length: -1\r\n\r\n{}" + smuggled},
      {"a Content-Length of 2^64", post + "Content-Length: 18446744073709551616\r\n\r\n{}" + smuggled},
  };
  for (const auto& [name, request] : cases) {
    const auto answer = exchange(port(), request);
    EXPECT_EQ(answer.statuses(), std::vector<int>{400}) << name << ": " << answer;
    EXPECT_EQ(answer.problem_type(), "bad_request") << name;
    EXPECT_TRUE(answer.closed) << name;
  }
  // The same Content-Length twice is one length: the body is read once and
  // the next request is the next request.
  const auto twice = exchange(port(), post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}" + smuggled);
  EXPECT_EQ(twice.statuses(), (std::vector<int>{422, 200})) << twice;
  EXPECT_EQ(rows(), before);
  expect_engine_up();
}

}  // namespace
