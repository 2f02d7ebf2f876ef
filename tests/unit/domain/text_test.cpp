// The one rule for control characters in what a person types.

#include <gtest/gtest.h>

#include <string>

#include "domain/text.hpp"

namespace {

using domain::has_control_character;
using domain::line_breaks;

TEST(text, tab_and_line_breaks_are_text_only_where_allowed) {
  for (const std::string text : {"a\tb", "a\nb", "a\rb"}) {
    EXPECT_FALSE(has_control_character(text, line_breaks::allowed)) << text;
    EXPECT_TRUE(has_control_character(text, line_breaks::refused)) << text;
  }
}

TEST(text, nul_escape_and_del_are_refused_either_way) {
  for (const std::string& text : {std::string("a\0b", 3), std::string("a\x1b[1m"), std::string("a\x7f")}) {
    EXPECT_TRUE(has_control_character(text, line_breaks::allowed));
    EXPECT_TRUE(has_control_character(text, line_breaks::refused));
  }
  EXPECT_FALSE(has_control_character("Ada Lovelace, 1 Euclid Ave — Zoë", line_breaks::refused));
}

}  // namespace
