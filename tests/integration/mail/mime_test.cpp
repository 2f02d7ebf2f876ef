// to_mime, read back by Python's email package as a mail client would.

#include "mail/mime.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "integration/mail/mail_test_support.hpp"

namespace {

using mail_test::decode_mime;
using mail_test::part;

// 2026-11-26T11:16:46Z, a Thursday.
const domain::timestamp thursday = domain::from_unix_ms(1795691806000);

mail::message confirmation() {
  mail::message m;
  m.message_id = "<outbox-42.ccc@cleveland-cartridge.example>";
  m.from = "Cleveland Cartridge Co <orders@cleveland-cartridge.example>";
  m.to = {"Zoë Müller <zoe@example.com>"};
  m.subject = "Bestellung für Zoë: CCC-2026-000042 — 0.912345678901 XMR";
  m.text = "Hello Zoë,\n\nplease send exactly 0.912345678901 XMR.\nTotal: $154.48\n";
  m.html = "<p>Hello Zo&euml;,</p>\n<p>Total: <strong>$154.48</strong></p>\n";
  return m;
}

TEST(mime, a_mail_client_reads_sender_recipient_subject_and_both_parts) {
  const auto raw = mail::to_mime(confirmation(), thursday);
  const auto decoded = decode_mime(raw);

  // 7-bit clean: no relay needs 8BITMIME or SMTPUTF8 to carry it.
  EXPECT_TRUE(std::all_of(raw.begin(), raw.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }));

  EXPECT_EQ(decoded["defects"], nlohmann::json::array());
  EXPECT_EQ(decoded["from_name"], "Cleveland Cartridge Co");
  EXPECT_EQ(decoded["from_address"], "orders@cleveland-cartridge.example");
  EXPECT_EQ(decoded["to"], nlohmann::json::array({"zoe@example.com"}));
  EXPECT_EQ(decoded["to_names"], nlohmann::json::array({"Zoë Müller"}));
  EXPECT_EQ(decoded["subject"], "Bestellung für Zoë: CCC-2026-000042 — 0.912345678901 XMR");
  EXPECT_EQ(decoded["message_id"], "<outbox-42.ccc@cleveland-cartridge.example>");
  EXPECT_EQ(decoded["mime_version"], "1.0");
  EXPECT_EQ(decoded["content_type"], "multipart/alternative");
  ASSERT_EQ(decoded["parts"].size(), 2u);
  // Plain text first: a client shows the last alternative it understands.
  EXPECT_EQ(decoded["parts"][0]["type"], "text/plain");
  EXPECT_EQ(decoded["parts"][1]["type"], "text/html");
  EXPECT_EQ(decoded["parts"][0]["charset"], "utf-8");
  EXPECT_EQ(part(decoded, "text/plain"), confirmation().text);
  EXPECT_EQ(part(decoded, "text/html"), confirmation().html);
}

TEST(mime, the_date_header_is_the_given_time_in_rfc_5322_form) {
  const auto raw = mail::to_mime(confirmation(), thursday);
  EXPECT_EQ(raw.rfind("Date: Thu, 26 Nov 2026 11:16:46 +0000\r\n", 0), 0u) << raw.substr(0, 300);
  EXPECT_EQ(decode_mime(raw)["date_unix"], 1795691806);
}

TEST(mime, every_line_ends_in_crlf_none_is_too_long_and_none_starts_with_a_dot_or_from) {
  auto m = confirmation();
  // One 3000-character paragraph, a trailing space, a line starting with a dot and
  // one starting with "From ": each is something a relay might mangle.
  std::string paragraph;
  for (int i = 0; i < 300; ++i) paragraph += "Tonerpatrone ";
  m.text = paragraph + "\n.\n.hidden?\nFrom here on, ink.\ntrailing space \n=3D is not an escape\n" +
           std::string(300, '.') + "\n" + std::string(76, 'x') + "\n";
  m.html = "<p>" + paragraph + "</p>";

  const auto decoded = decode_mime(mail::to_mime(m, thursday));

  EXPECT_LE(decoded["longest_line"].get<int>(), 78);
  EXPECT_EQ(decoded["bare_line_feeds"], 0);
  EXPECT_EQ(decoded["lines_starting_with_dot"], 0);
  EXPECT_EQ(decoded["lines_starting_with_from"], 0);
  EXPECT_EQ(decoded["defects"], nlohmann::json::array());
  EXPECT_EQ(part(decoded, "text/plain"), m.text);
  EXPECT_EQ(part(decoded, "text/html"), m.html);
}

// Runs of plain characters are copied whole up to the line's last place: whatever
// falls on the boundary (a blank, a tab, '=', a non-ASCII letter, a blank before a
// line break) still reads back as written, within 76 places per encoded line.
TEST(mime, whatever_falls_on_the_76th_place_reads_back_and_no_encoded_line_is_longer) {
  auto m = confirmation();
  std::string text;
  for (const std::string tail : {" ", "\t", "=", "é", " x", "\tx", "=x", "éx", "  ", "xx"})
    for (std::size_t length = 70; length <= 80; ++length) {
      std::string line(length, 'a');
      line.replace(line.size() - std::min(line.size(), tail.size()), tail.size(), tail);
      text += line + (length % 2 == 0 ? "\n" : "\r\n");
    }
  m.text = text;
  m.html = text + "no break at the end ";

  const auto raw = mail::to_mime(m, thursday);
  const auto decoded = decode_mime(raw);

  EXPECT_EQ(decoded["defects"], nlohmann::json::array());
  std::string expected_text;
  for (char c : text)
    if (c != '\r') expected_text += c;  // a client reads CRLF and LF alike as one line break
  EXPECT_EQ(part(decoded, "text/plain"), expected_text);
  EXPECT_EQ(part(decoded, "text/html"), expected_text + "no break at the end ");
  const auto body = raw.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  std::size_t longest = 0;
  for (std::size_t start = body + 4, end; (end = raw.find("\r\n", start)) != std::string::npos; start = end + 2)
    longest = std::max(longest, end - start);
  EXPECT_LE(longest, 76u);
}

// A display name is never folded, nor is a subject word: written as they were, a
// long one made a line longer than the 998 characters RFC 5322 allows.
TEST(mime, a_long_name_or_a_long_word_in_the_subject_is_encoded_and_folded_and_reads_back_whole) {
  auto m = confirmation();
  std::string name;
  for (int i = 0; i < 30; ++i) name += "Cleveland Cartridge Company ";
  m.from = name + std::string(600, 'x') + " <orders@cleveland-cartridge.example>";
  m.subject = "Order " + std::string(1200, 'y');

  const auto decoded = decode_mime(mail::to_mime(m, thursday));

  EXPECT_LE(decoded["longest_line"].get<int>(), 78);
  EXPECT_EQ(decoded["defects"], nlohmann::json::array());
  EXPECT_EQ(decoded["from_name"], name + std::string(600, 'x'));
  EXPECT_EQ(decoded["from_address"], "orders@cleveland-cartridge.example");
  EXPECT_EQ(decoded["subject"], m.subject);
}

TEST(mime, an_address_over_254_characters_or_a_message_id_over_986_is_refused) {
  auto long_address = confirmation();
  long_address.to = {"Zoe <" + std::string(250, 'z') + "@example.com>"};
  EXPECT_THROW(mail::to_mime(long_address, thursday), std::invalid_argument);
  auto long_id = confirmation();
  long_id.message_id = "<" + std::string(980, 'o') + "@cleveland-cartridge.example>";
  EXPECT_THROW(mail::to_mime(long_id, thursday), std::invalid_argument);
}

TEST(mime, a_long_non_ascii_subject_is_split_into_encoded_words_and_reads_back_whole) {
  auto m = confirmation();
  m.subject =
      "Ihre Bestellung für Zoë Müller: 2 × HP 64 Schwarz, 1 × Brother TN-760 — "
      "Zahlung über 0.912345678901 XMR erwartet bis 27.11.2026 ✓";
  const auto raw = mail::to_mime(m, thursday);
  const auto decoded = decode_mime(raw);
  EXPECT_EQ(decoded["subject"], m.subject);
  EXPECT_LE(decoded["longest_line"].get<int>(), 76);
}

TEST(mime, line_breaks_in_the_subject_cannot_add_headers) {
  auto m = confirmation();
  m.subject = "Your order\r\nBcc: everyone@example.com\r\n\r\nfake body";
  const auto raw = mail::to_mime(m, thursday);
  const auto decoded = decode_mime(raw);
  EXPECT_EQ(decoded["subject"], "Your order Bcc: everyone@example.com fake body");
  for (const auto& name : decoded["header_names"]) EXPECT_NE(name, "Bcc");
}

TEST(mime, an_address_with_a_line_break_is_refused) {
  auto m = confirmation();
  m.to = {"zoe@example.com\r\nBcc: everyone@example.com"};
  EXPECT_THROW(mail::to_mime(m, thursday), std::invalid_argument);
}

TEST(mime, a_control_character_in_an_address_or_the_message_id_is_refused) {
  for (const std::string& control :
       {std::string(1, '\0'), std::string("\x01"), std::string("\x1b"), std::string("\x7f")}) {
    auto to = confirmation();
    to.to = {"Zoe <zoe" + control + "@example.com>"};
    EXPECT_THROW(mail::to_mime(to, thursday), std::invalid_argument);
    auto from = confirmation();
    from.from = "orders" + control + "@cleveland-cartridge.example";
    EXPECT_THROW(mail::to_mime(from, thursday), std::invalid_argument);
    auto id = confirmation();
    id.message_id = "<outbox-42" + control + ".ccc@cleveland-cartridge.example>";
    EXPECT_THROW(mail::to_mime(id, thursday), std::invalid_argument);
  }
}

TEST(mime, a_message_without_recipient_or_with_a_malformed_id_is_refused) {
  auto no_recipient = confirmation();
  no_recipient.to.clear();
  EXPECT_THROW(mail::to_mime(no_recipient, thursday), std::invalid_argument);

  auto bad_id = confirmation();
  bad_id.message_id = "outbox-42";
  EXPECT_THROW(mail::to_mime(bad_id, thursday), std::invalid_argument);

  auto not_an_address = confirmation();
  not_an_address.to = {"Zoë Müller"};
  EXPECT_THROW(mail::to_mime(not_an_address, thursday), std::invalid_argument);
}

TEST(mime, display_names_with_commas_and_quotes_stay_one_recipient_each) {
  auto m = confirmation();
  m.to = {"Smith, John <john@example.com>", "\"Ann \\\"Inky\\\" Lee\" <ann@example.com>", "bare@example.com"};
  const auto decoded = decode_mime(mail::to_mime(m, thursday));
  EXPECT_EQ(decoded["to"], nlohmann::json::array({"john@example.com", "ann@example.com", "bare@example.com"}));
  EXPECT_EQ(decoded["to_names"], nlohmann::json::array({"Smith, John", "Ann \"Inky\" Lee", ""}));
}

TEST(mime, long_non_ascii_names_of_several_recipients_stay_within_the_line_limit) {
  auto m = confirmation();
  m.from = "Cleveland Cartridge Co — Tinte & Toner für Büro und Zuhause <orders@cleveland-cartridge.example>";
  m.to = {"Zoë Müller-Lüdenscheidt von und zu Überlingen am Bodensee <zoe.mueller@example.com>",
          "Ærøskøbing Søren Kierkegaard Ølstykke <soren@example.com>", "plain@example.com"};
  const auto decoded = decode_mime(mail::to_mime(m, thursday));
  EXPECT_EQ(decoded["defects"], nlohmann::json::array());
  EXPECT_LE(decoded["longest_line"].get<int>(), 78);
  EXPECT_EQ(decoded["from_name"], "Cleveland Cartridge Co — Tinte & Toner für Büro und Zuhause");
  EXPECT_EQ(decoded["to"],
            nlohmann::json::array({"zoe.mueller@example.com", "soren@example.com", "plain@example.com"}));
  EXPECT_EQ(decoded["to_names"], nlohmann::json::array({"Zoë Müller-Lüdenscheidt von und zu Überlingen am Bodensee",
                                                        "Ærøskøbing Søren Kierkegaard Ølstykke", ""}));
}

TEST(mime, the_same_message_and_date_give_the_same_bytes) {
  // A redelivery after a crash must be recognisably the same message.
  EXPECT_EQ(mail::to_mime(confirmation(), thursday), mail::to_mime(confirmation(), thursday));
}

TEST(mime, address_of_takes_the_address_from_a_mailbox) {
  EXPECT_EQ(mail::address_of("Cleveland Cartridge Co <orders@cleveland-cartridge.example>"),
            "orders@cleveland-cartridge.example");
  EXPECT_EQ(mail::address_of("  zoe@example.com "), "zoe@example.com");
}

}  // namespace
