// A batch sent over several SMTP conversations at once, to a real server (aiosmtpd).

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <stdexcept>

#include <sys/resource.h>
#include <unistd.h>

#include "integration/mail/mail_test_support.hpp"
#include "mail/mime.hpp"
#include "mail/send_batch.hpp"
#include "mail/transport.hpp"

namespace {

using mail_test::smtp_sink;

const domain::timestamp now = domain::from_unix_ms(1795691806000);

mail::outgoing numbered(int n, const std::string& to = "zoe@example.com") {
  mail::message m;
  m.message_id = "<outbox-" + std::to_string(n) + ".ccc@cleveland-cartridge.example>";
  m.from = "Cleveland Cartridge Co <orders@cleveland-cartridge.example>";
  m.to = {to};
  m.subject = "Order " + std::to_string(n);
  m.text = "Your order is confirmed.\n";
  auto mime = mail::to_mime(m, now);
  return {std::move(m), std::move(mime)};
}

std::unique_ptr<mail::transport> transport_to(const smtp_sink& server) {
  mail::smtp_options o;
  o.url = server.url();
  o.timeout = std::chrono::milliseconds(5000);
  return mail::make_smtp_transport(o);
}

TEST(send_batch, every_message_arrives_once_over_at_most_senders_connections) {
  smtp_sink server;
  const auto transport = transport_to(server);
  std::vector<mail::outgoing> batch;
  for (int i = 0; i < 24; ++i) batch.push_back(numbered(i));

  const auto outcomes = mail::send_batch(*transport, batch.size(), [&](std::size_t i) { return batch[i]; }, {4, 0});

  ASSERT_EQ(outcomes.size(), batch.size());
  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome) << outcome->what();
  const auto inbox = server.messages();
  ASSERT_EQ(inbox.size(), batch.size());
  std::set<std::string> subjects;
  std::set<int> connections;
  for (const auto& r : inbox) {
    subjects.insert(mail_test::decode_file(r.file)["subject"].get<std::string>());
    connections.insert(r.peer_port);
  }
  EXPECT_EQ(subjects.size(), batch.size()) << "a message arrived twice";
  EXPECT_GE(connections.size(), 1u);
  EXPECT_LE(connections.size(), 4u);
}

int niceness_of_this_thread() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
}

TEST(send_batch, the_senders_run_at_the_niceness_asked_and_the_caller_keeps_its_own) {
  smtp_sink server;
  const auto transport = transport_to(server);
  const int caller_before = niceness_of_this_thread();
  ASSERT_LT(caller_before, 19) << "the test must start below the niceness it asks for";
  std::mutex seen_lock;
  std::set<int> seen;

  const auto outcomes = mail::send_batch(*transport, 12,
                                         [&](std::size_t i) {
                                           {
                                             std::lock_guard lock{seen_lock};
                                             seen.insert(niceness_of_this_thread());
                                           }
                                           return numbered(static_cast<int>(i));
                                         },
                                         {3, 19});

  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome) << outcome->what();
  EXPECT_EQ(seen, std::set<int>{19}) << "every message is composed (and sent) on a sender at niceness 19";
  EXPECT_EQ(niceness_of_this_thread(), caller_before);
  EXPECT_EQ(server.messages().size(), 12u);
}

TEST(send_batch, each_outcome_belongs_to_its_own_message) {
  smtp_sink::options server_options;
  server_options.rejects["gone@example.com"] = "550 5.1.1 <gone@example.com>: no such user";
  server_options.rejects["later@example.com"] = "451 4.7.1 Greylisted, please try again later";
  smtp_sink server{server_options};
  const auto transport = transport_to(server);
  std::vector<mail::outgoing> batch;
  for (int i = 0; i < 8; ++i)
    batch.push_back(numbered(i, i == 3 ? "gone@example.com" : i == 6 ? "later@example.com" : "zoe@example.com"));

  const auto outcomes = mail::send_batch(*transport, batch.size(), [&](std::size_t i) { return batch[i]; }, {3, 0});

  ASSERT_EQ(outcomes.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    if (i == 3) {
      ASSERT_TRUE(outcomes[i]);
      EXPECT_EQ(outcomes[i]->smtp_code(), 550);
      EXPECT_FALSE(outcomes[i]->transient());
    } else if (i == 6) {
      ASSERT_TRUE(outcomes[i]);
      EXPECT_EQ(outcomes[i]->smtp_code(), 451);
      EXPECT_TRUE(outcomes[i]->transient());
    } else {
      EXPECT_FALSE(outcomes[i]) << i << ": " << outcomes[i]->what();
    }
  }
  EXPECT_EQ(server.messages().size(), 6u);
}

TEST(send_batch, an_empty_batch_sends_nothing) {
  smtp_sink server;
  const auto transport = transport_to(server);

  EXPECT_TRUE(
      mail::send_batch(*transport, 0, [](std::size_t) -> mail::outgoing { throw std::logic_error("none"); }, {4, 0})
          .empty());
  EXPECT_TRUE(server.messages().empty());
}

TEST(send_batch, a_message_that_cannot_be_composed_fails_alone_and_transiently) {
  smtp_sink server;
  const auto transport = transport_to(server);

  const auto outcomes = mail::send_batch(*transport, 3,
                                         [](std::size_t i) {
                                           if (i == 1) throw std::runtime_error("template failed");
                                           return numbered(static_cast<int>(i));
                                         },
                                         {2, 0});

  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_FALSE(outcomes[0]);
  ASSERT_TRUE(outcomes[1]);
  EXPECT_TRUE(outcomes[1]->transient());
  EXPECT_NE(std::string{outcomes[1]->what()}.find("template failed"), std::string::npos);
  EXPECT_FALSE(outcomes[2]);
  EXPECT_EQ(server.messages().size(), 2u);
}

}  // namespace
