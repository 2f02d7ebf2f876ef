// Every email of the order's journey, sent by the real engine to a real SMTP
// server (Debian's aiosmtpd, started by the test) and read back as a person
// would: recipients, subject, both parts, the facts in them.

#include <gtest/gtest.h>

#include <thread>

#include "e2e/engine_process.hpp"
#include "integration/mail/mail_test_support.hpp"

using namespace e2e;

namespace {

const std::string admin_address = "owner@cleveland-cartridge.example";

std::map<std::string, std::string> smtp_env(const std::string& url) {
  return {{"ORDER_ENGINE_MAIL_SMTP_URL", url},
          {"ORDER_ENGINE_MAIL_POLL_INTERVAL", "100ms"},
          {"ORDER_ENGINE_MAIL_RETRY_AFTER", "200ms"},
          {"ORDER_ENGINE_MAIL_RETRY_MAX", "400ms"}};
}

struct mail {
  std::vector<std::string> to;
  std::string subject, text, html;
};

std::vector<mail> inbox(const mail_test::smtp_sink& sink) {
  std::vector<mail> out;
  for (const auto& r : sink.messages()) {
    auto d = mail_test::decode_file(r.file);
    out.push_back({r.rcpt_tos, d.at("subject"), mail_test::part(d, "text/plain"), mail_test::part(d, "text/html")});
  }
  return out;
}

/// The one message whose subject contains `needle`; fails the test otherwise.
mail only(const std::vector<mail>& messages, const std::string& needle) {
  std::vector<mail> found;
  for (const auto& m : messages)
    if (m.subject.find(needle) != std::string::npos) found.push_back(m);
  EXPECT_EQ(found.size(), 1u) << "messages with '" << needle << "' in the subject";
  return found.empty() ? mail{} : found.front();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(mail, checkout_sends_the_customer_confirmation_and_the_admin_notice) {
  mail_test::smtp_sink sink;
  engine_process engine{smtp_env(sink.url())};
  auto order = engine.post("/api/orders", checkout_body()).data();
  const std::string number = order["number"];
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 2; }));
  auto messages = inbox(sink);

  auto confirmation = only(messages, "payment instructions");
  EXPECT_EQ(confirmation.to, (std::vector<std::string>{"ada@example.com"}));
  EXPECT_TRUE(contains(confirmation.subject, number));
  for (const auto& body : {confirmation.text, confirmation.html}) {
    EXPECT_TRUE(contains(body, order["payment"]["amount_display"].get<std::string>()));
    EXPECT_TRUE(contains(body, order["payment"]["address"].get<std::string>()));
    EXPECT_TRUE(contains(body, "HP 64XL High Yield Black Ink Cartridge"));
    EXPECT_TRUE(contains(body, "$69.98"));
    EXPECT_TRUE(contains(body, "support@cleveland-cartridge.example"));
  }
  // The order link in the email opens the customer's order.
  const std::string link =
      "/orders/" + order["id"].get<std::string>() + "?token=" + order["access_token"].get<std::string>();
  EXPECT_TRUE(contains(confirmation.text, link));
  EXPECT_EQ(engine.get("/api" + link).status, 200);

  auto notice = only(messages, "New order " + number);
  EXPECT_EQ(notice.to, (std::vector<std::string>{admin_address}));
  EXPECT_TRUE(contains(notice.text, "Ada Lovelace"));
  EXPECT_TRUE(contains(notice.text, "ada@example.com"));
  EXPECT_TRUE(contains(notice.text, "1 Euclid Ave"));
  EXPECT_TRUE(contains(notice.text, "XMR"));
}

TEST(mail, every_step_of_the_journey_sends_its_email_once) {
  mail_test::smtp_sink sink;
  engine_process engine{smtp_env(sink.url())};
  auto order = engine.post("/api/orders", checkout_body()).data();
  const std::string id = order["id"];
  engine.admin_command(
      id, {{"type", "contact_customer"}, {"message", "Your payment of 0.4 XMR is short; please send <0.031045 XMR>."}});
  engine.admin_command(
      id, {{"type", "verify_payment"}, {"tx_id", "t-" + id}, {"amount_atomic", order["payment"]["amount_atomic"]}});
  engine.admin_command(id, {{"type", "start_processing"}});
  engine.admin_command(id, {{"type", "ship"},
                            {"carrier", "UPS"},
                            {"tracking_number", "1Z999AA10123456784"},
                            {"estimated_delivery", "2026-12-03"}});
  auto other = engine.post("/api/orders", checkout_body()).data();
  engine.post("/api/orders/" + other["id"].get<std::string>() + "/cancel", {{"reason", "ordered twice"}},
              bearer(other["access_token"]));
  // 2 per checkout, contact, payment, shipping, cancellation.
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 8; }));
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  auto messages = inbox(sink);
  EXPECT_EQ(messages.size(), 8u);

  auto contact = only(messages, "A message about your");
  EXPECT_TRUE(contains(contact.text, "Your payment of 0.4 XMR is short; please send <0.031045 XMR>."));
  EXPECT_TRUE(contains(contact.html, "&lt;0.031045 XMR&gt;"));  // escaped, not markup
  auto paid = only(messages, "ayment received");
  EXPECT_EQ(paid.to, (std::vector<std::string>{"ada@example.com"}));
  EXPECT_TRUE(contains(paid.text, order["number"].get<std::string>()));
  auto shipped = only(messages, "is on its way");
  EXPECT_TRUE(contains(shipped.text, "1Z999AA10123456784"));
  EXPECT_TRUE(contains(shipped.text, "UPS"));
  EXPECT_TRUE(contains(shipped.text, "2026-12-03"));
  EXPECT_TRUE(contains(shipped.text, "https://www.ups.com/track?tracknum=1Z999AA10123456784"));
  auto cancelled = only(messages, "has been cancelled");
  EXPECT_TRUE(contains(cancelled.text, "ordered twice"));
}

TEST(mail, mail_queued_while_the_smtp_server_is_down_is_delivered_once_when_it_comes_up) {
  const int port = mail_test::free_port();
  engine_process engine{smtp_env("smtp://127.0.0.1:" + std::to_string(port))};
  auto order = engine.post("/api/orders", checkout_body()).data();
  std::this_thread::sleep_for(std::chrono::milliseconds{1000});  // several failed attempts
  mail_test::smtp_sink sink{{}, port};
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds{1000});
  auto messages = inbox(sink);
  EXPECT_EQ(messages.size(), 2u);  // none lost, none doubled
  only(messages, "payment instructions");
  only(messages, "New order");
  EXPECT_TRUE(engine.admin_get("/admin/api/mail/dead").data()["messages"].empty());
}

TEST(mail, a_refused_address_becomes_dead_mail_the_admin_can_send_again) {
  const int port = mail_test::free_port();
  auto sink = std::make_unique<mail_test::smtp_sink>(
      mail_test::smtp_sink::options{{{"ada@example.com", "550 5.1.1 <ada@example.com>: mailbox unavailable"}}}, port);
  engine_process engine{smtp_env("smtp://127.0.0.1:" + std::to_string(port))};
  auto order = engine.post("/api/orders", checkout_body()).data();
  json dead;
  ASSERT_TRUE(eventually([&] {
    dead = engine.admin_get("/admin/api/mail/dead").data()["messages"];
    return dead.size() == 1;
  }));
  EXPECT_EQ(dead[0]["kind"], "order_confirmation");
  EXPECT_EQ(dead[0]["order_id"], order["id"]);
  EXPECT_TRUE(contains(dead[0]["last_error"].get<std::string>(), "550"));
  // The admin's notice goes through (on a later attempt if this one met a hiccup),
  // and before the sink is replaced, so that only the retried message reaches the new one.
  ASSERT_TRUE(eventually([&] { return sink->messages().size() == 1; }));

  // The mailbox is fixed; the admin sends the message again.
  sink.reset();
  sink = std::make_unique<mail_test::smtp_sink>(mail_test::smtp_sink::options{}, port);
  const auto id = dead[0]["id"].get<std::int64_t>();
  auto retried = engine.post("/admin/api/mail/" + std::to_string(id) + "/retry", json::object(), bearer(admin_token));
  EXPECT_EQ(retried.status, 200) << retried.body;
  ASSERT_TRUE(eventually([&] { return sink->messages().size() == 1; }));
  EXPECT_EQ(inbox(*sink)[0].to, (std::vector<std::string>{"ada@example.com"}));
  EXPECT_TRUE(engine.admin_get("/admin/api/mail/dead").data()["messages"].empty());
  EXPECT_EQ(engine.post("/admin/api/mail/" + std::to_string(id) + "/retry", json::object(), bearer(admin_token)).status,
            404);  // no longer dead
}

TEST(mail, without_an_smtp_server_messages_are_written_to_the_drop_directory) {
  mail_test::temp_dir drop;
  engine_process engine{
      {{"ORDER_ENGINE_MAIL_DROP_DIR", drop.path().string()}, {"ORDER_ENGINE_MAIL_POLL_INTERVAL", "100ms"}}};
  auto order = engine.post("/api/orders", checkout_body()).data();
  auto count = [&] {
    std::size_t n = 0;
    for (const auto& f : std::filesystem::directory_iterator(drop.path())) n += f.path().extension() == ".eml";
    return n;
  };
  ASSERT_TRUE(eventually([&] { return count() == 2; }));
  bool found_confirmation = false;
  for (const auto& f : std::filesystem::directory_iterator(drop.path())) {
    auto d = mail_test::decode_file(f.path());
    if (contains(d.at("subject").get<std::string>(), "payment instructions")) {
      found_confirmation = true;
      EXPECT_EQ(d.at("to"), json::array({"ada@example.com"}));
      EXPECT_TRUE(contains(mail_test::part(d, "text/plain"), order["number"].get<std::string>()));
    }
  }
  EXPECT_TRUE(found_confirmation);
}

TEST(mail, one_address_gets_at_most_the_hourly_cap_and_the_orders_are_still_placed) {
  mail_test::smtp_sink sink;
  auto env = smtp_env(sink.url());
  env["ORDER_ENGINE_MAIL_MAX_PER_RECIPIENT_PER_HOUR"] = "3";
  engine_process engine{env};
  // Checkout names the address the shop writes to: five orders for one victim.
  auto victim = checkout_body();
  victim["customer"]["email"] = "victim@example.com";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(engine.post("/api/orders", victim).status, 201);
  // Another customer is not held back by the victim's cap.
  ASSERT_EQ(engine.post("/api/orders", checkout_body()).status, 201);
  auto to = [&](const std::string& address) {
    std::size_t n = 0;
    for (const auto& m : inbox(sink)) n += m.to == std::vector<std::string>{address};
    return n;
  };
  // Six admin notices, three confirmations to the victim, one to the other customer.
  ASSERT_TRUE(eventually([&] { return sink.messages().size() >= 10; })) << sink.messages().size();
  ASSERT_TRUE(eventually([&] {
    return engine.get("/metrics").body.find("ccc_mail_suppressed_total{reason=\"recipient_cap\"} 2") !=
           std::string::npos;
  })) << engine.get("/metrics").body;
  EXPECT_EQ(to("victim@example.com"), 3u);
  EXPECT_EQ(to("ada@example.com"), 1u);
  EXPECT_EQ(to(admin_address), 6u);
  EXPECT_EQ(sink.messages().size(), 10u);
}

}  // namespace
