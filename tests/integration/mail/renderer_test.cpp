// The shop's email templates in config/templates/, rendered with a realistic order.

#include "mail/renderer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "integration/mail/mail_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using mail_test::sample_order_data;
using mail_test::templates_dir;
using nlohmann::json;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_TRUE(contains(haystack, needle)) << "missing: " << (needle) << "\nin:\n" << (haystack)
#define EXPECT_LACKS(haystack, needle) \
  EXPECT_FALSE(contains(haystack, needle)) << "unexpected: " << (needle) << "\nin:\n" << (haystack)

json data_for(const std::string& kind) {
  auto data = sample_order_data();
  if (kind == "payment_received") data["order"]["status"] = "paid";
  if (kind == "shipping" || kind == "review_request") {
    data["order"]["status"] = kind == "shipping" ? "shipped" : "delivered";
    data["order"]["shipment"] = {{"carrier", "UPS"},
                                 {"tracking_number", "1Z999AA10123456784"},
                                 {"tracking_url", "https://www.ups.com/track?tracknum=1Z999AA10123456784"},
                                 {"estimated_delivery", "2026-12-01"}};
  }
  if (kind == "order_cancelled") {
    data["order"]["status"] = "cancelled";
    data["order"]["cancelled_by"] = "system";
    data["order"]["cancel_reason"] = "no payment received within 7 days";
  }
  if (kind == "contact_customer")
    data["message"] = "We received 0.9 XMR, 0.012345678901 XMR short.\nPlease send the rest.";
  if (kind == "refund_due") data["refund"] = {{"amount", "0.05 XMR"}, {"txid", ""}, {"address", ""}, {"still_due", ""}};
  if (kind == "refund_address_received")
    data["refund"] = {{"amount", "0 XMR"}, {"txid", ""}, {"address", "84refund<address>"}, {"still_due", ""}};
  if (kind == "refund_sent")
    data["refund"] = {{"amount", "0.03 XMR"}, {"txid", "f00dcafe"}, {"address", ""}, {"still_due", "0.02 XMR"}};
  return data;
}

class templates : public ::testing::Test {
 protected:
  mail::renderer renderer_{templates_dir()};
};

TEST_F(templates, every_kind_renders_a_subject_and_both_parts_with_shop_contact_and_order_link) {
  for (const auto& kind : mail::renderer::kinds()) {
    SCOPED_TRACE(kind);
    const auto out = renderer_.render(kind, data_for(kind));
    EXPECT_CONTAINS(out.subject, "CCC-2026-000042");
    EXPECT_LACKS(out.subject, "\n");
    for (const auto* body : {&out.text, &out.html}) {
      EXPECT_CONTAINS(*body, "Cleveland Cartridge Co");
      EXPECT_CONTAINS(*body, "support@cleveland-cartridge.example");
      EXPECT_CONTAINS(*body, "http://127.0.0.1:8080/orders/42?token=tok_abc123");
      if (kind == "new_order_admin") {
        EXPECT_CONTAINS(*body, "http://127.0.0.1:8080/admin/orders/42");
      }
      EXPECT_LACKS(*body, "{{");
      EXPECT_LACKS(*body, "}}");
    }
    EXPECT_CONTAINS(out.html, "<html");
    EXPECT_LACKS(out.text, "<p");
    // The customer's name is greeted as written in the text part and escaped in HTML.
    if (kind != "new_order_admin") {
      EXPECT_CONTAINS(out.text, "Hello Zoë Müller,");
    }
  }
}

TEST_F(templates, order_confirmation_has_items_totals_and_complete_payment_instructions) {
  const auto out = renderer_.render("order_confirmation", data_for("order_confirmation"));
  for (const auto* body : {&out.text, &out.html}) {
    EXPECT_CONTAINS(*body, "HP 64 Black Ink Cartridge");
    EXPECT_CONTAINS(*body, "$34.99");
    EXPECT_CONTAINS(*body, "$69.98");
    EXPECT_CONTAINS(*body, "Brother TN-760 Toner");
    EXPECT_CONTAINS(*body, "$149.48");
    EXPECT_CONTAINS(*body, "$5.00");
    EXPECT_CONTAINS(*body, "$154.48");
    EXPECT_CONTAINS(*body, "Monero (XMR)");
    EXPECT_CONTAINS(*body, "0.912345678901 XMR");
    EXPECT_CONTAINS(*body,
                    "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge");
    EXPECT_CONTAINS(*body, "CCC42");
    EXPECT_CONTAINS(*body, "monero:4AdUnd");
    EXPECT_CONTAINS(*body, "2026-11-27 11:16 UTC");
    EXPECT_CONTAINS(*body, "1-2 business days");
    EXPECT_CONTAINS(*body, "Suite 4");
  }
  EXPECT_CONTAINS(out.text, "2 x HP 64 Black Ink Cartridge (HP-64-BK)");
  EXPECT_CONTAINS(
      out.text,
      "Pay with Monero (XMR). Send exactly this amount:\n\n  0.912345678901 XMR\n\nto this address:\n\n"
      "  4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge\n");
}

TEST_F(templates, without_a_memo_or_second_address_line_those_lines_are_left_out) {
  auto data = data_for("order_confirmation");
  data["order"]["payment"].erase("memo");
  data["shipping_address"]["line2"] = "";
  const auto out = renderer_.render("order_confirmation", data);
  EXPECT_LACKS(out.text, "memo");
  EXPECT_LACKS(out.html, "memo");
  EXPECT_CONTAINS(out.text, "  1200 Euclid Ave\n  Cleveland, OH 44115\n");
}

TEST_F(templates, new_order_admin_has_the_customer_the_address_and_the_payment) {
  const auto out = renderer_.render("new_order_admin", data_for("new_order_admin"));
  EXPECT_CONTAINS(out.subject, "$154.48");
  EXPECT_CONTAINS(out.subject, "Monero (XMR)");
  for (const auto* body : {&out.text, &out.html}) {
    EXPECT_CONTAINS(*body, "zoe@example.com");
    EXPECT_CONTAINS(*body, "1200 Euclid Ave");
    EXPECT_CONTAINS(*body, "Cleveland, OH 44115");
    EXPECT_CONTAINS(*body, "HP-64-BK");
    EXPECT_CONTAINS(*body, "$154.48");
    EXPECT_CONTAINS(*body, "0.912345678901 XMR");
    EXPECT_CONTAINS(*body, "2026-11-26 11:16 UTC");
  }
  EXPECT_CONTAINS(out.text, "Zoë Müller <zoe@example.com>");
}

TEST_F(templates, payment_received_confirms_the_amount_and_the_ship_date) {
  const auto out = renderer_.render("payment_received", data_for("payment_received"));
  for (const auto* body : {&out.text, &out.html}) {
    EXPECT_CONTAINS(*body, "0.912345678901 XMR");
    EXPECT_CONTAINS(*body, "2026-11-28");
    EXPECT_CONTAINS(*body, "1-2 business days");
  }
}

TEST_F(templates, payment_received_shows_what_arrived_when_it_differs_from_the_amount_asked) {
  auto data = data_for("payment_received");
  data["order"]["payment"]["received_display"] = "1.000000000000 XMR";
  const auto out = renderer_.render("payment_received", data);
  EXPECT_CONTAINS(out.text, "We have received your payment of 1.000000000000 XMR");
  EXPECT_CONTAINS(out.html, "<strong>1.000000000000 XMR</strong>");
}

TEST_F(templates, shipping_has_carrier_tracking_number_link_and_delivery_date) {
  const auto out = renderer_.render("shipping", data_for("shipping"));
  for (const auto* body : {&out.text, &out.html}) {
    EXPECT_CONTAINS(*body, "UPS");
    EXPECT_CONTAINS(*body, "1Z999AA10123456784");
    EXPECT_CONTAINS(*body, "https://www.ups.com/track?tracknum=1Z999AA10123456784");
    EXPECT_CONTAINS(*body, "2026-12-01");
  }
}

TEST_F(templates, shipping_without_a_tracking_link_still_gives_the_tracking_number) {
  auto data = data_for("shipping");
  data["order"]["shipment"]["tracking_url"] = "";
  const auto out = renderer_.render("shipping", data);
  for (const auto* body : {&out.text, &out.html}) {
    EXPECT_CONTAINS(*body, "1Z999AA10123456784");
    EXPECT_LACKS(*body, "Track your parcel");
  }
}

TEST_F(templates, payment_reminder_repeats_the_instructions_and_the_expiry) {
  const auto out = renderer_.render("payment_reminder", data_for("payment_reminder"));
  EXPECT_CONTAINS(out.subject, "awaiting payment");
  for (const auto* body : {&out.text, &out.html}) {
    EXPECT_CONTAINS(*body, "0.912345678901 XMR");
    EXPECT_CONTAINS(*body,
                    "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge");
    EXPECT_CONTAINS(*body, "CCC42");
    EXPECT_CONTAINS(*body, "2026-11-27 11:16 UTC");
  }
}

TEST_F(templates, order_cancelled_says_who_cancelled_and_why) {
  const std::map<std::string, std::string> says{
      {"customer", "As you asked, we have cancelled your order"},
      {"admin", "Our team has cancelled your order"},
      {"system", "cancelled automatically because we did not"},
  };
  for (const auto& [who, sentence] : says) {
    SCOPED_TRACE(who);
    auto data = data_for("order_cancelled");
    data["order"]["cancelled_by"] = who;
    const auto out = renderer_.render("order_cancelled", data);
    EXPECT_CONTAINS(out.text, sentence);
    EXPECT_CONTAINS(out.html, sentence);
    for (const auto& [other, other_sentence] : says)
      if (other != who) {
        EXPECT_LACKS(out.text, other_sentence);
      }
    EXPECT_CONTAINS(out.text, "Reason: no payment received within 7 days");
    EXPECT_CONTAINS(out.html, "no payment received within 7 days");
  }
}

TEST_F(templates, review_request_links_to_the_review_form) {
  const auto out = renderer_.render("review_request", data_for("review_request"));
  EXPECT_CONTAINS(out.text, "http://127.0.0.1:8080/orders/42?token=tok_abc123#review");
  EXPECT_CONTAINS(out.html, "href=\"http://127.0.0.1:8080/orders/42?token=tok_abc123#review\"");
}

TEST_F(templates, contact_customer_carries_the_admins_message_verbatim_and_escaped_in_html) {
  auto data = data_for("contact_customer");
  data["message"] = "You paid 0.9 XMR, 0.012345678901 XMR short.\n<script>alert('x')</script> & \"quotes\"";
  const auto out = renderer_.render("contact_customer", data);
  EXPECT_CONTAINS(out.text, "You paid 0.9 XMR, 0.012345678901 XMR short.\n<script>alert('x')</script> & \"quotes\"");
  EXPECT_CONTAINS(out.html,
                  "You paid 0.9 XMR, 0.012345678901 XMR "
                  "short.\n&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;");
  EXPECT_LACKS(out.html, "<script>");
}

TEST_F(templates, a_customer_name_with_markup_is_escaped_in_html_and_plain_in_text_and_subject) {
  auto data = data_for("order_confirmation");
  data["customer"]["name"] = "Bob <b>&</b> Co";
  data["order"]["number"] = "CCC-<1>&";
  const auto out = renderer_.render("order_confirmation", data);
  EXPECT_CONTAINS(out.subject, "CCC-<1>&");
  EXPECT_CONTAINS(out.text, "Hello Bob <b>&</b> Co,");
  EXPECT_CONTAINS(out.html, "Hello Bob &lt;b&gt;&amp;&lt;/b&gt; Co,");
}

TEST_F(templates, renders_from_several_threads_at_once_each_with_the_right_escaping) {
  // The mailer may render on several threads: the HTML part must stay escaped and the
  // text part unescaped however the renders interleave.
  auto data = data_for("contact_customer");
  data["message"] = "a < b & c";
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        const auto out = renderer_.render("contact_customer", data);
        if (!contains(out.text, "a < b & c") || !contains(out.html, "a &lt; b &amp; c")) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(templates, an_unknown_kind_is_refused) {
  EXPECT_THROW(renderer_.render("birthday_card", data_for("order_confirmation")), std::invalid_argument);
}

// A copy of the real templates to break one file at a time.
class broken_templates : public ::testing::Test {
 protected:
  broken_templates() {
    for (const auto& entry : fs::directory_iterator(templates_dir()))
      fs::copy_file(entry.path(), dir_.path() / entry.path().filename());
  }
  std::string construction_error() {
    try {
      mail::renderer r{dir_.path()};
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "(no error)";
  }
  mail_test::temp_dir dir_;
};

TEST_F(broken_templates, a_missing_template_file_fails_construction_naming_it) {
  fs::remove(dir_.path() / "shipping.html.mustache");
  const auto error = construction_error();
  EXPECT_CONTAINS(error, (dir_.path() / "shipping.html.mustache").string());
}

TEST_F(broken_templates, an_unclosed_section_fails_construction_naming_file_and_line) {
  mail_test::write_text(dir_.path() / "payment_reminder.txt.mustache",
                        "Hello {{customer.name}},\n\n{{#order.items}}\n- {{name}}\n\nBye\n");
  const auto error = construction_error();
  EXPECT_CONTAINS(error, "payment_reminder.txt.mustache");
  EXPECT_CONTAINS(error, "line 3");
  EXPECT_CONTAINS(error, "order.items");
}

TEST_F(broken_templates, a_mismatched_close_or_unterminated_tag_fails_construction) {
  mail_test::write_text(dir_.path() / "shipping.txt.mustache", "{{#order.shipment}}{{carrier}}{{/order.items}}\n");
  EXPECT_CONTAINS(construction_error(), "shipping.txt.mustache");

  mail_test::write_text(dir_.path() / "shipping.txt.mustache", "Carrier: {{order.shipment.carrier\n");
  EXPECT_CONTAINS(construction_error(), "shipping.txt.mustache, line 1");
}

TEST(renderer_kinds, are_the_eleven_emails_of_an_order) {
  EXPECT_EQ(mail::renderer::kinds(),
            (std::vector<std::string>{"order_confirmation", "new_order_admin", "payment_received", "shipping",
                                      "payment_reminder", "order_cancelled", "review_request", "contact_customer",
                                      "refund_due", "refund_address_received", "refund_sent"}));
}

TEST_F(templates, the_refund_emails_say_what_is_owed_where_it_goes_and_what_was_sent) {
  const auto due = renderer_.render("refund_due", data_for("refund_due"));
  for (const auto* body : {&due.text, &due.html}) {
    EXPECT_CONTAINS(*body, "0.05 XMR");
    EXPECT_CONTAINS(*body, "more than the amount asked for");  // the order is not cancelled
  }
  auto cancelled = data_for("refund_due");
  cancelled["order"]["status"] = "cancelled";
  EXPECT_CONTAINS(renderer_.render("refund_due", cancelled).text, "because the order was cancelled");

  const auto address = renderer_.render("refund_address_received", data_for("refund_address_received"));
  EXPECT_CONTAINS(address.text, "84refund<address>");
  EXPECT_CONTAINS(address.html, "84refund&lt;address&gt;");  // escaped, not markup

  const auto sent = renderer_.render("refund_sent", data_for("refund_sent"));
  for (const auto* body : {&sent.text, &sent.html}) {
    EXPECT_CONTAINS(*body, "0.03 XMR");
    EXPECT_CONTAINS(*body, "f00dcafe");
    EXPECT_CONTAINS(*body, "0.02 XMR is still due");
  }
  auto settled = data_for("refund_sent");
  settled["refund"]["still_due"] = "";
  EXPECT_LACKS(renderer_.render("refund_sent", settled).text, "still due");
}

}  // namespace
