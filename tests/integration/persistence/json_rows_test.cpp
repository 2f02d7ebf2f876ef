// The batch format the journal's statements unpack with json_to_recordset:
// every text comes back from a JSON parser exactly as it went in, whatever
// characters it holds (quotes, backslashes, every control character, UTF-8),
// and the rows are an array of flat objects.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "persistence/json_rows.hpp"

namespace {

TEST(json_rows, every_text_comes_back_from_a_json_parser_as_it_went_in) {
  std::string every_control;
  for (int c = 0; c < 0x20; ++c) every_control.push_back(static_cast<char>(c));
  const std::vector<std::string> texts = {
      "",
      "plain base64 text: SGVsbG8gd29ybGQ=",
      R"({"name":"Ada \"the\" Countess","path":"C:\\shop\\"})",
      every_control,
      "a" + every_control + "b\"c\\d",
      "Zoë Ångström, 東京, \xF0\x9F\x96\xA8",
      std::string(3000, 'x') + "\"" + std::string(3000, 'y'),
  };
  persistence::json_rows rows;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    rows.begin_row();
    rows.field("text", texts[i]);
    rows.field("n", static_cast<std::int64_t>(i));
    rows.end_row();
  }
  ASSERT_EQ(rows.size(), texts.size());
  const auto parsed = nlohmann::json::parse(rows.take());
  ASSERT_TRUE(parsed.is_array());
  ASSERT_EQ(parsed.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(parsed[i].at("text").get<std::string>(), texts[i]) << "row " << i;
    EXPECT_EQ(parsed[i].at("n").get<std::int64_t>(), static_cast<std::int64_t>(i));
  }
  EXPECT_TRUE(rows.empty()) << "take() leaves the writer empty";
}

TEST(json_rows, an_empty_json_document_is_null_and_a_document_is_a_string) {
  persistence::json_rows rows;
  rows.begin_row();
  rows.json_text_field("absent", "");
  rows.json_text_field("doc", R"({"a":[1,"two"]})");
  rows.end_row();
  const auto parsed = nlohmann::json::parse(rows.take());
  EXPECT_TRUE(parsed[0].at("absent").is_null());
  EXPECT_EQ(parsed[0].at("doc").get<std::string>(), R"({"a":[1,"two"]})");
}

}  // namespace
