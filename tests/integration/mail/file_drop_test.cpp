// The file-drop transport: what the engine does when no SMTP server is configured.

#include <gtest/gtest.h>

#include "mail/mime.hpp"
#include "mail/transport.hpp"
#include "integration/mail/mail_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using mail_test::decode_file;
using mail_test::part;

const domain::timestamp now = domain::from_unix_ms(1795691806000);

mail::message order_mail(const std::string& text) {
  mail::message m;
  m.message_id = "<outbox-42.ccc@cleveland-cartridge.example>";
  m.from = "Cleveland Cartridge Co <orders@cleveland-cartridge.example>";
  m.to = {"Zoë Müller <zoe@example.com>"};
  m.subject = "Bestellung für Zoë";
  m.text = text;
  m.html = "<p>" + text + "</p>";
  return m;
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  return files;
}

TEST(file_drop, writes_a_message_a_mail_client_can_open_named_after_its_id) {
  mail_test::temp_dir dir;
  const auto mail_dir = dir.path() / "var" / "mail";  // created on first use
  const auto transport = mail::make_file_drop_transport(mail_dir);
  const auto m = order_mail("Your order is confirmed.");

  transport->send(m, mail::to_mime(m, now));

  const auto files = files_in(mail_dir);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "outbox-42.ccc@cleveland-cartridge.example.eml");
  const auto decoded = decode_file(files[0]);
  EXPECT_EQ(decoded["defects"], nlohmann::json::array());
  EXPECT_EQ(decoded["to"], nlohmann::json::array({"zoe@example.com"}));
  EXPECT_EQ(decoded["subject"], "Bestellung für Zoë");
  EXPECT_EQ(decoded["message_id"], "<outbox-42.ccc@cleveland-cartridge.example>");
  EXPECT_EQ(part(decoded, "text/plain"), "Your order is confirmed.");
  EXPECT_EQ(part(decoded, "text/html"), "<p>Your order is confirmed.</p>");
}

TEST(file_drop, the_same_message_id_again_replaces_the_file_instead_of_doubling_it) {
  mail_test::temp_dir dir;
  const auto transport = mail::make_file_drop_transport(dir.path());
  const auto first = order_mail("first attempt");
  const auto second = order_mail("redelivery");

  transport->send(first, mail::to_mime(first, now));
  transport->send(second, mail::to_mime(second, now));

  const auto files = files_in(dir.path());  // no temporary files left either
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(part(decode_file(files[0]), "text/plain"), "redelivery");
}

TEST(file_drop, different_messages_get_different_files) {
  mail_test::temp_dir dir;
  const auto transport = mail::make_file_drop_transport(dir.path());
  auto a = order_mail("a");
  auto b = order_mail("b");
  b.message_id = "<outbox-43.ccc@cleveland-cartridge.example>";
  transport->send(a, mail::to_mime(a, now));
  transport->send(b, mail::to_mime(b, now));
  EXPECT_EQ(files_in(dir.path()).size(), 2u);
}

TEST(file_drop, a_message_id_cannot_write_outside_the_directory) {
  EXPECT_EQ(mail::file_drop_name("<../../etc/passwd@x>"), "_.._.._etc_passwd@x.eml");
  EXPECT_EQ(mail::file_drop_name("<..@x>"), "_..@x.eml");
  EXPECT_EQ(mail::file_drop_name(std::string(300, 'a')).size(), 180u + 4u);
  EXPECT_NE(mail::file_drop_name(std::string(300, 'a')), mail::file_drop_name(std::string(301, 'a')));
}

TEST(file_drop, an_unwritable_directory_is_a_send_error) {
  mail_test::temp_dir dir;
  const auto blocked = dir.path() / "not-a-directory";
  mail_test::write_text(blocked, "a file where the mail directory should be");
  const auto transport = mail::make_file_drop_transport(blocked);
  const auto m = order_mail("x");
  try {
    transport->send(m, mail::to_mime(m, now));
    ADD_FAILURE() << "send into a file succeeded";
  } catch (const mail::send_error& e) {
    EXPECT_NE(std::string{e.what()}.find(blocked.string()), std::string::npos) << e.what();
  }
}

}  // namespace
