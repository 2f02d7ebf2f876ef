// The bodies of the back office's door: sign-in, API keys, the audit log's query.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/dto.hpp"

namespace {

using nlohmann::json;

std::string field_of(const domain::result<app::sign_in_attempt>& r) { return r ? "" : r.error().field; }

TEST(sign_in_dto, takes_email_password_and_code) {
  auto r = http::dto::sign_in({{"email", "ada@example.com"}, {"password", "pass word"}, {"code", "123456"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->email, "ada@example.com");
  EXPECT_EQ(r->password, "pass word");
  EXPECT_EQ(r->code, "123456");
}

TEST(sign_in_dto, names_the_missing_overlong_or_control_character_field) {
  EXPECT_EQ(field_of(http::dto::sign_in({{"password", "p"}, {"code", "1"}})), "email");
  EXPECT_EQ(field_of(http::dto::sign_in({{"email", "a@b"}, {"password", 7}, {"code", "1"}})), "password");
  EXPECT_EQ(field_of(http::dto::sign_in({{"email", "a@b"}, {"password", "p"}, {"code", std::string(33, '1')}})),
            "code");
  EXPECT_EQ(field_of(http::dto::sign_in({{"email", std::string("a\0@b", 4)}, {"password", "p"}, {"code", "1"}})),
            "email");
  EXPECT_EQ(field_of(http::dto::sign_in({{"email", "a@b"}, {"password", "p\r\nX: y"}, {"code", "1"}})), "password");
  EXPECT_EQ(field_of(http::dto::sign_in(json::array())), "email");
}

TEST(api_key_dto, a_name_is_1_to_80_printable_characters) {
  EXPECT_EQ(http::dto::api_key_name({{"name", "nightly export"}}).value(), "nightly export");
  EXPECT_FALSE(http::dto::api_key_name({{"name", ""}}));
  EXPECT_FALSE(http::dto::api_key_name({{"name", std::string(81, 'k')}}));
  EXPECT_FALSE(http::dto::api_key_name({{"name", "tab\there"}}));
}

TEST(audit_query_dto, limit_and_before_are_bounded_positive_integers) {
  auto d = http::dto::audit_query({});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->limit, 100);
  EXPECT_EQ(d->before, 0);
  auto q = http::dto::audit_query({{"limit", "20"}, {"before", "900"}, {"actor", "ada@example.com"}, {"action", "GET"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, 20);
  EXPECT_EQ(q->before, 900);
  EXPECT_EQ(q->actor, "ada@example.com");
  EXPECT_EQ(q->action, "GET");
  for (const char* bad : {"0", "501", "-1", "1e3", "x", "10x"})
    EXPECT_EQ(http::dto::audit_query({{"limit", bad}}).error().field, "limit") << bad;
  EXPECT_EQ(http::dto::audit_query({{"before", "0"}}).error().field, "before");
}

}  // namespace
