// The SMTP transport against a real SMTP server (aiosmtpd), nothing mocked.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <set>

#include "mail/mime.hpp"
#include "mail/renderer.hpp"
#include "mail/transport.hpp"
#include "integration/mail/mail_test_support.hpp"

namespace {

using mail_test::decode_file;
using mail_test::part;
using mail_test::smtp_sink;

const domain::timestamp now = domain::from_unix_ms(1795691806000);

mail::message order_mail(const std::string& id = "<outbox-42.ccc@cleveland-cartridge.example>") {
  mail::message m;
  m.message_id = id;
  m.from = "Cleveland Cartridge Co <orders@cleveland-cartridge.example>";
  m.to = {"Zoë Müller <zoe@example.com>"};
  m.subject = "Bestellung für Zoë";
  m.text = "Hello Zoë,\nyour order CCC-2026-000042 is confirmed.\n";
  m.html = "<p>Hello Zo&euml;,</p><p>your order <b>CCC-2026-000042</b> is confirmed.</p>";
  return m;
}

mail::smtp_options options_for(const smtp_sink& server) {
  mail::smtp_options o;
  o.url = server.url();
  o.timeout = std::chrono::milliseconds(5000);
  o.envelope_from = "bounces@cleveland-cartridge.example";
  return o;
}

/// A server that requires STARTTLS and then AUTH as `user`.
smtp_sink::options tls_server(const std::string& user, const std::string& password) {
  smtp_sink::options o;
  o.starttls = true;
  o.user = user;
  o.password = password;
  return o;
}

/// A client that trusts `server`'s certificate, requires STARTTLS and logs in.
mail::smtp_options tls_client(const smtp_sink& server, const std::string& user, const std::string& password) {
  auto o = options_for(server);
  o.starttls = true;
  o.ca_file = server.certificate();
  o.username = user;
  o.password = password;
  return o;
}

mail::send_error send_error_of(mail::transport& transport, const mail::message& m) {
  try {
    transport.send(m, mail::to_mime(m, now));
  } catch (const mail::send_error& e) {
    return e;
  }
  ADD_FAILURE() << "send succeeded, a send_error was expected";
  return mail::send_error("none", false);
}

TEST(smtp_transport, delivers_one_message_that_the_recipient_reads_as_sent) {
  smtp_sink server;
  const auto transport = mail::make_smtp_transport(options_for(server));
  const auto m = order_mail();

  transport->send(m, mail::to_mime(m, now));

  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].mail_from, "bounces@cleveland-cartridge.example");
  EXPECT_EQ(inbox[0].rcpt_tos, std::vector<std::string>{"zoe@example.com"});
  const auto decoded = decode_file(inbox[0].file);
  EXPECT_EQ(decoded["defects"], nlohmann::json::array());
  EXPECT_EQ(decoded["from"], "Cleveland Cartridge Co <orders@cleveland-cartridge.example>");
  EXPECT_EQ(decoded["to"], nlohmann::json::array({"zoe@example.com"}));
  EXPECT_EQ(decoded["subject"], "Bestellung für Zoë");
  EXPECT_EQ(decoded["message_id"], "<outbox-42.ccc@cleveland-cartridge.example>");
  EXPECT_EQ(part(decoded, "text/plain"), m.text);
  EXPECT_EQ(part(decoded, "text/html"), m.html);
}

TEST(smtp_transport, without_an_envelope_sender_uses_the_from_address) {
  smtp_sink server;
  auto options = options_for(server);
  options.envelope_from.clear();
  const auto transport = mail::make_smtp_transport(options);
  const auto m = order_mail();
  transport->send(m, mail::to_mime(m, now));
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(server.messages()[0].mail_from, "orders@cleveland-cartridge.example");
}

TEST(smtp_transport, every_recipient_gets_the_message) {
  smtp_sink server;
  const auto transport = mail::make_smtp_transport(options_for(server));
  auto m = order_mail();
  m.to = {"Zoë Müller <zoe@example.com>", "orders-archive@cleveland-cartridge.example"};
  transport->send(m, mail::to_mime(m, now));
  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].rcpt_tos,
            (std::vector<std::string>{"zoe@example.com", "orders-archive@cleveland-cartridge.example"}));
}

TEST(smtp_transport, a_rendered_order_confirmation_arrives_with_its_payment_instructions) {
  smtp_sink server;
  const auto transport = mail::make_smtp_transport(options_for(server));
  const mail::renderer renderer{mail_test::templates_dir()};
  const auto rendered = renderer.render("order_confirmation", mail_test::sample_order_data());
  mail::message m = order_mail("<outbox-7.ccc@cleveland-cartridge.example>");
  m.subject = rendered.subject;
  m.text = rendered.text;
  m.html = rendered.html;

  transport->send(m, mail::to_mime(m, now));

  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 1u);
  const auto decoded = decode_file(inbox[0].file);
  EXPECT_EQ(decoded["subject"], "Your Cleveland Cartridge Co order CCC-2026-000042: payment instructions");
  EXPECT_EQ(part(decoded, "text/plain"), rendered.text);
  EXPECT_EQ(part(decoded, "text/html"), rendered.html);
  EXPECT_NE(part(decoded, "text/plain").find("Send exactly this amount:\n\n  0.912345678901 XMR\n"), std::string::npos);
  EXPECT_LE(decoded["longest_line"].get<int>(), 78);
}

TEST(smtp_transport, nothing_listening_is_a_transient_failure) {
  const int port = mail_test::free_port();
  mail::smtp_options options;
  options.url = "smtp://127.0.0.1:" + std::to_string(port);
  options.timeout = std::chrono::milliseconds(2000);
  const auto transport = mail::make_smtp_transport(options);

  const auto error = send_error_of(*transport, order_mail());

  EXPECT_TRUE(error.transient());
  EXPECT_EQ(error.smtp_code(), 0);
  EXPECT_NE(std::string{error.what()}.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << error.what();
}

TEST(smtp_transport, mail_sent_after_the_server_comes_up_is_delivered_once) {
  const int port = mail_test::free_port();
  mail::smtp_options options;
  options.url = "smtp://127.0.0.1:" + std::to_string(port);
  const auto transport = mail::make_smtp_transport(options);
  const auto m = order_mail();

  EXPECT_TRUE(send_error_of(*transport, m).transient());
  smtp_sink server{smtp_sink::options{}, port};
  transport->send(m, mail::to_mime(m, now));

  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(decode_file(server.messages()[0].file)["message_id"], m.message_id);
}

TEST(smtp_transport, a_server_that_never_answers_times_out_as_transient) {
  // A socket that listens but is never accepted from: the connection completes in the
  // kernel, the greeting never comes.
  const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(silent, 8), 0);
  ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length), 0);
  mail::smtp_options options;
  options.url = "smtp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  options.timeout = std::chrono::milliseconds(500);
  const auto transport = mail::make_smtp_transport(options);

  const auto started = std::chrono::steady_clock::now();
  const auto error = send_error_of(*transport, order_mail());
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(silent);

  EXPECT_TRUE(error.transient()) << error.what();
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(smtp_transport, a_recipient_rejected_with_550_is_a_permanent_failure_with_the_servers_reason) {
  smtp_sink::options server_options;
  server_options.rejects["zoe@example.com"] = "550 5.1.1 <zoe@example.com>: Recipient address rejected";
  smtp_sink server{server_options};
  const auto transport = mail::make_smtp_transport(options_for(server));

  const auto error = send_error_of(*transport, order_mail());

  EXPECT_FALSE(error.transient());
  EXPECT_EQ(error.smtp_code(), 550);
  EXPECT_NE(std::string{error.what()}.find("Recipient address rejected"), std::string::npos) << error.what();
  EXPECT_TRUE(server.messages().empty());
}

TEST(smtp_transport, a_recipient_deferred_with_451_is_a_transient_failure) {
  smtp_sink::options server_options;
  server_options.rejects["zoe@example.com"] = "451 4.7.1 Greylisted, please try again later";
  smtp_sink server{server_options};
  const auto transport = mail::make_smtp_transport(options_for(server));

  const auto error = send_error_of(*transport, order_mail());

  EXPECT_TRUE(error.transient());
  EXPECT_EQ(error.smtp_code(), 451);
  EXPECT_TRUE(server.messages().empty());
}

TEST(smtp_transport, one_rejected_recipient_of_two_delivers_to_nobody) {
  // All or nothing: a retry of the whole message never doubles it for the other one.
  smtp_sink::options server_options;
  server_options.rejects["gone@example.com"] = "550 5.1.1 <gone@example.com>: no such user";
  smtp_sink server{server_options};
  const auto transport = mail::make_smtp_transport(options_for(server));
  auto m = order_mail();
  m.to = {"zoe@example.com", "gone@example.com"};

  EXPECT_FALSE(send_error_of(*transport, m).transient());
  EXPECT_TRUE(server.messages().empty());
}

TEST(smtp_transport, starttls_with_auth_delivers_as_the_configured_user) {
  smtp_sink server{tls_server("shop", "s3cret pass")};
  const auto transport = mail::make_smtp_transport(tls_client(server, "shop", "s3cret pass"));
  const auto m = order_mail();

  transport->send(m, mail::to_mime(m, now));

  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].auth_user, "shop");
  EXPECT_EQ(decode_file(inbox[0].file)["subject"], "Bestellung für Zoë");
}

TEST(smtp_transport, a_wrong_password_is_a_permanent_failure) {
  smtp_sink server{tls_server("shop", "right")};
  const auto transport = mail::make_smtp_transport(tls_client(server, "shop", "wrong"));

  const auto error = send_error_of(*transport, order_mail());

  EXPECT_FALSE(error.transient()) << error.what();
  EXPECT_EQ(error.smtp_code(), 535);
  EXPECT_EQ(std::string{error.what()}.find("wrong"), std::string::npos) << "the password leaked: " << error.what();
  EXPECT_TRUE(server.messages().empty());
}

TEST(smtp_transport, starttls_required_but_not_offered_sends_nothing_and_is_permanent) {
  smtp_sink server;  // plain SMTP, no STARTTLS
  auto options = options_for(server);
  options.starttls = true;
  const auto transport = mail::make_smtp_transport(options);

  const auto error = send_error_of(*transport, order_mail());

  EXPECT_FALSE(error.transient()) << error.what();
  EXPECT_TRUE(server.messages().empty());
}

TEST(smtp_transport, a_certificate_the_client_does_not_trust_sends_nothing) {
  smtp_sink::options server_options;
  server_options.starttls = true;
  smtp_sink server{server_options};
  auto options = options_for(server);
  options.starttls = true;  // no ca_file: the self-signed certificate is not trusted
  const auto transport = mail::make_smtp_transport(options);

  const auto error = send_error_of(*transport, order_mail());

  EXPECT_FALSE(error.transient()) << error.what();
  EXPECT_TRUE(server.messages().empty());
}

TEST(smtp_transport, a_url_that_is_not_smtp_is_refused_at_construction) {
  mail::smtp_options options;
  options.url = "http://127.0.0.1:25";
  EXPECT_THROW(mail::make_smtp_transport(options), std::invalid_argument);
}

TEST(smtp_transport, describes_itself_without_the_password) {
  mail::smtp_options options;
  options.url = "smtp://mailer:hunter2@mail.example:587";
  options.starttls = true;
  options.username = "mailer";
  options.password = "hunter2";
  const auto description = mail::make_smtp_transport(options)->describe();
  EXPECT_EQ(description.find("hunter2"), std::string::npos) << description;
  EXPECT_NE(description.find("mail.example:587"), std::string::npos) << description;
}

std::set<int> connections_of(const std::vector<mail_test::received>& inbox) {
  std::set<int> ports;
  for (const auto& r : inbox) ports.insert(r.peer_port);
  return ports;
}

/// Sends order mail number n (its own Message-ID) to zoe@example.com.
void send_numbered(mail::transport& transport, int n) {
  const auto m = order_mail("<outbox-" + std::to_string(n) + ".ccc@cleveland-cartridge.example>");
  transport.send(m, mail::to_mime(m, now));
}

TEST(smtp_transport, messages_sent_one_after_another_share_one_smtp_connection) {
  smtp_sink server;
  const auto transport = mail::make_smtp_transport(options_for(server));
  for (int i = 0; i < 3; ++i) send_numbered(*transport, i);

  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 3u);
  EXPECT_EQ(connections_of(inbox).size(), 1u);
}

TEST(smtp_transport, a_connection_the_server_closed_is_opened_anew_for_the_next_message) {
  smtp_sink server;
  const auto transport = mail::make_smtp_transport(options_for(server));
  send_numbered(*transport, 1);

  server.restart();
  send_numbered(*transport, 2);

  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 2u);
  EXPECT_EQ(connections_of(inbox).size(), 2u);
}

TEST(smtp_transport, a_refused_message_leaves_the_next_one_deliverable) {
  smtp_sink::options server_options;
  server_options.rejects["gone@example.com"] = "550 5.1.1 <gone@example.com>: no such user";
  smtp_sink server{server_options};
  const auto transport = mail::make_smtp_transport(options_for(server));
  auto refused = order_mail("<outbox-1.ccc@cleveland-cartridge.example>");
  refused.to = {"gone@example.com"};
  EXPECT_EQ(send_error_of(*transport, refused).smtp_code(), 550);

  send_numbered(*transport, 2);

  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].rcpt_tos, std::vector<std::string>{"zoe@example.com"});
}

TEST(smtp_transport, starttls_and_auth_are_done_once_for_messages_sharing_a_connection) {
  smtp_sink server{tls_server("mailer", "correct horse")};
  const auto transport = mail::make_smtp_transport(tls_client(server, "mailer", "correct horse"));
  for (int i = 0; i < 2; ++i) send_numbered(*transport, i);

  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), 2u);
  EXPECT_EQ(connections_of(inbox).size(), 1u);
  EXPECT_EQ(inbox[1].auth_user, "mailer");
}

}  // namespace
