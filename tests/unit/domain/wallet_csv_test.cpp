// The wallet CSV export the admin imports (docs/API.md, the import): the header, RFC 4180
// quoting, line numbers as an editor shows them (the header is line 1), a clear
// reason for every rejected row, duplicates within the file, and 100,000 rows.

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "domain/time.hpp"
#include "domain/wallet_csv.hpp"

namespace domain_test {
namespace {

using namespace domain;
using rep = atomic_amount::rep;

payment_method coin(const char* code, int decimals) {
  payment_method m;
  m.code = code;
  m.decimals = decimals;
  return m;
}

const std::vector<payment_method>& methods() {
  static const std::vector<payment_method> m{coin("XMR", 12), coin("BTC", 8), coin("ETH", 18), coin("USDC", 6)};
  return m;
}

const std::string header = "txid,coin,amount,received_at,memo\n";

wallet_csv parse_ok(std::string_view text) {
  auto parsed = parse_wallet_csv(text, methods());
  if (!parsed) {
    ADD_FAILURE() << "file refused: " << parsed.error().detail;
    return {};
  }
  return std::move(parsed).value();
}

std::string rejections(const wallet_csv& csv) {
  std::string out;
  for (const auto& r : csv.rejected) out += "line " + std::to_string(r.line) + ": " + r.reason + "\n";
  return out;
}

timestamp at(const char* rfc3339) {
  return *parse_rfc3339(rfc3339);
}

TEST(wallet_csv, reads_the_example_from_the_issue) {
  const auto csv = parse_ok(header + "a1b2c3,XMR,0.041230000000,2026-11-26T11:16:46Z,CCC-000123\n");
  ASSERT_EQ(csv.rows.size(), 1u) << rejections(csv);
  const wallet_row& row = csv.rows[0];
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.txid, "a1b2c3");
  EXPECT_EQ(row.coin, "XMR");
  EXPECT_EQ(row.amount, atomic_amount{41'230'000'000ULL});
  EXPECT_EQ(row.received_at, at("2026-11-26T11:16:46Z"));
  EXPECT_EQ(row.memo, "CCC-000123");
  EXPECT_TRUE(csv.duplicates.empty());
  EXPECT_TRUE(csv.rejected.empty());
}

TEST(wallet_csv, converts_amounts_exactly_in_each_coins_own_decimals) {
  const auto csv = parse_ok(header +
                            "t1,XMR,1,2026-11-26T11:16:46Z,\n"
                            "t2,XMR,0.000000000001,2026-11-26T11:16:46Z,\n"
                            "t3,BTC,0.00072053,2026-11-26T11:16:46Z,\n"
                            "t4,ETH,2892.865612000000000001,2026-11-26T11:16:46Z,\n"
                            "t5,USDC,69.98,2026-11-26T11:16:46Z,\n"
                            "t6,XMR,007.5,2026-11-26T11:16:46+02:00,\n");
  ASSERT_EQ(csv.rows.size(), 6u) << rejections(csv);
  EXPECT_EQ(csv.rows[0].amount, atomic_amount{1'000'000'000'000ULL});
  EXPECT_EQ(csv.rows[1].amount, atomic_amount{1});
  EXPECT_EQ(csv.rows[2].amount, atomic_amount{72'053});
  EXPECT_EQ(csv.rows[3].amount.to_string(), "2892865612000000000001");  // beyond 64 bits, to the wei
  EXPECT_EQ(csv.rows[4].amount, atomic_amount{69'980'000});
  EXPECT_EQ(csv.rows[5].amount, atomic_amount{7'500'000'000'000ULL});
  EXPECT_EQ(csv.rows[5].received_at, at("2026-11-26T09:16:46Z"));
}

TEST(wallet_csv, accepts_crlf_lf_a_byte_order_mark_and_a_missing_or_trailing_line_end) {
  const std::string lf = header + "t1,XMR,0.5,2026-11-26T11:16:46Z,CCC-000123\nt2,BTC,0.1,2026-11-26T11:17:00Z,\n";
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string{"\r\n"} : std::string{c};
  const std::string variants[] = {
      lf,
      crlf,
      "\xEF\xBB\xBF" + lf,
      lf.substr(0, lf.size() - 1),      // no line end after the last row
      crlf.substr(0, crlf.size() - 2),  // same with CRLF
      lf + "\n",                        // a trailing empty line
      crlf + "\r\n\r\n",                // several
  };
  for (const auto& text : variants) {
    const auto csv = parse_ok(text);
    ASSERT_EQ(csv.rows.size(), 2u) << rejections(csv);
    EXPECT_TRUE(csv.rejected.empty()) << rejections(csv);
    EXPECT_EQ(csv.rows[0].memo, "CCC-000123") << "no CR left in the last field";
    EXPECT_EQ(csv.rows[1].memo, "");
    EXPECT_EQ(csv.rows[1].line, 3);
    EXPECT_EQ(csv.rows[1].amount, atomic_amount{10'000'000});
  }
}

TEST(wallet_csv, a_header_only_file_has_no_rows) {
  for (const std::string text : {"txid,coin,amount,received_at,memo", "txid,coin,amount,received_at,memo\r\n"}) {
    const auto csv = parse_ok(text);
    EXPECT_TRUE(csv.rows.empty() && csv.rejected.empty() && csv.duplicates.empty());
  }
}

// Decision: the header is compared exactly, case included, after the CSV
// unquoting: it is the contract of the import, and a file that does not follow it
// is probably not the export the admin meant to send.
TEST(wallet_csv, a_missing_or_wrong_header_refuses_the_whole_file) {
  const std::string row = "t1,XMR,0.5,2026-11-26T11:16:46Z,CCC-000123\n";
  const std::string refused[] = {
      "",
      "\xEF\xBB\xBF",
      "\n" + header + row,                              // the header must be line 1
      row,                                              // no header at all
      "TXID,COIN,AMOUNT,RECEIVED_AT,MEMO\n" + row,      // case matters
      "txid,coin,amount,received_at\n" + row,           // a column missing
      "txid,coin,amount,received_at,memo,fee\n" + row,  // a column too many
      "coin,txid,amount,received_at,memo\n" + row,      // columns swapped
      "txid, coin,amount,received_at,memo\n" + row,     // a space is part of a name
      "\"txid,coin,amount,received_at,memo\"\n" + row,  // one quoted field, not five
      "\"txid,coin,amount,received_at,memo\n" + row,    // a quote never closed
  };
  for (const auto& text : refused) {
    const auto parsed = parse_wallet_csv(text, methods());
    ASSERT_FALSE(parsed) << "accepted: " << text;
    EXPECT_EQ(parsed.error().code, error_code::validation);
    EXPECT_EQ(parsed.error().field, "header");
    EXPECT_NE(parsed.error().detail.find("txid,coin,amount,received_at,memo"), std::string::npos)
        << "the admin is told what is expected: " << parsed.error().detail;
  }
  // Quoting each name is still the same header (RFC 4180 allows quoting any field).
  EXPECT_TRUE(parse_wallet_csv("\"txid\",\"coin\",\"amount\",\"received_at\",\"memo\"\n" + row, methods()));
}

TEST(wallet_csv, quoted_fields_may_hold_commas_doubled_quotes_and_line_breaks) {
  const auto csv = parse_ok(header +
                            "t1,XMR,0.5,2026-11-26T11:16:46Z,\"CCC-000123, thanks\"\n"
                            "t2,XMR,0.5,2026-11-26T11:16:46Z,\"she said \"\"hi\"\"\"\n"
                            "t3,XMR,0.5,2026-11-26T11:16:46Z,\"two\nlines\"\n"
                            "t4,XMR,0.5,2026-11-26T11:16:46Z,\"crlf\r\ninside\"\r\n"
                            "\"t5\",\"XMR\",\"0.5\",\"2026-11-26T11:16:46Z\",\"\"\n"
                            "t6,XMR,0.5,2026-11-26T11:16:46Z,\"\"\"\"\n");
  ASSERT_EQ(csv.rows.size(), 6u) << rejections(csv);
  EXPECT_EQ(csv.rows[0].memo, "CCC-000123, thanks");
  EXPECT_EQ(csv.rows[1].memo, "she said \"hi\"");
  EXPECT_EQ(csv.rows[2].memo, "two\nlines");
  EXPECT_EQ(csv.rows[3].memo, "crlf\r\ninside");
  EXPECT_EQ(csv.rows[4].txid, "t5");
  EXPECT_EQ(csv.rows[4].memo, "");
  EXPECT_EQ(csv.rows[5].memo, "\"");
}

TEST(wallet_csv, line_numbers_count_the_lines_inside_quoted_fields) {
  const auto csv = parse_ok(header +                                                 // line 1
                            "t1,XMR,0.5,2026-11-26T11:16:46Z,\"one\ntwo\nthree\"\n"  // lines 2-4
                            "t2,XMR,0.5,2026-11-26T11:16:46Z,\n"                     // line 5
                            "\n"                                                     // line 6, empty
                            "t3,DOGE,0.5,2026-11-26T11:16:46Z,\"a\r\nb\"\r\n"        // lines 7-8
                            "t4,XMR,0.5,2026-11-26T11:16:46Z,\n");                   // line 9
  ASSERT_EQ(csv.rows.size(), 3u) << rejections(csv);
  EXPECT_EQ(csv.rows[0].line, 2);
  EXPECT_EQ(csv.rows[1].line, 5);
  EXPECT_EQ(csv.rows[2].line, 9);
  ASSERT_EQ(csv.rejected.size(), 1u);
  EXPECT_EQ(csv.rejected[0].line, 7) << "a row spanning lines is named by its first line";
}

TEST(wallet_csv, each_bad_row_is_rejected_with_its_line_and_a_clear_reason) {
  struct example {
    std::string row;
    std::string reason;  // the reason, or the part of it that matters
  };
  const std::string t = "2026-11-26T11:16:46Z";
  const example examples[] = {
      {"t1,DOGE,0.5," + t + ",", "unknown coin \"DOGE\""},
      {"t1,,0.5," + t + ",", "coin is empty"},
      {",XMR,0.5," + t + ",", "txid is empty"},
      {"   ,XMR,0.5," + t + ",", "txid is empty"},
      {std::string(201, 'f') + ",XMR,0.5," + t + ",", "txid is longer than 200 characters"},
      {"t1,XMR,0.0412300000001," + t + ",", "amount \"0.0412300000001\" has 13 decimals; XMR has 12"},
      {"t1,BTC,0.000000001," + t + ",", "amount \"0.000000001\" has 9 decimals; BTC has 8"},
      {"t1,USDC,1.0000001," + t + ",", "has 7 decimals; USDC has 6"},
      {"t1,XMR,," + t + ",", "amount is empty"},
      {"t1,XMR,-0.5," + t + ",", "amount \"-0.5\" is negative: an outgoing transfer is not a payment"},
      {"t1,XMR,abc," + t + ",", "amount \"abc\" is not a decimal number like 0.041230"},
      {"t1,XMR,1e-5," + t + ",", "is not a decimal number"},
      {"t1,XMR,+1," + t + ",", "is not a decimal number"},
      {"t1,XMR,.5," + t + ",", "is not a decimal number"},
      {"t1,XMR,5.," + t + ",", "is not a decimal number"},
      {"t1,XMR,1.2.3," + t + ",", "is not a decimal number"},
      {"t1,XMR,\"1,5\"," + t + ",", "amount \"1,5\" is not a decimal number"},
      {"t1,XMR,0.000," + t + ",", "amount is zero"},
      {"t1,XMR," + std::string(30, '9') + "," + t + ",", "is too large"},
      {"t1,XMR,0.5,yesterday,", "received_at \"yesterday\" is not an RFC 3339 time like 2026-11-26T11:16:46Z"},
      {"t1,XMR,0.5,2026-11-26 11:16:46,", "is not an RFC 3339 time"},  // no offset
      {"t1,XMR,0.5,2026-02-30T11:16:46Z,", "is not an RFC 3339 time"},
      {"t1,XMR,0.5,,", "received_at \"\" is not an RFC 3339 time"},
      {"t1,XMR,0.5," + t, "expected 5 fields (txid,coin,amount,received_at,memo), found 4"},
      {"t1,XMR,0.5," + t + ",memo,extra", "expected 5 fields (txid,coin,amount,received_at,memo), found 6"},
      {"just some text", "found 1"},
      {",,,,,", "found 6"},
      {"t1,XMR,0.5," + t + ",say \"hi\"", "a double quote inside a field"},
      {"t1,XMR,0.5," + t + ",\"quoted\" then text", "a double quote inside a field"},
      {"t1,XMR,0.5," + t + ",\"never closed\n", "a quoted field is never closed"},
  };
  for (const auto& e : examples) {
    const auto csv = parse_ok(header + e.row + "\n");
    ASSERT_EQ(csv.rejected.size(), 1u) << e.row << " was not rejected";
    EXPECT_EQ(csv.rejected[0].line, 2) << e.row;
    EXPECT_NE(csv.rejected[0].reason.find(e.reason), std::string::npos)
        << e.row << "\n  reason: " << csv.rejected[0].reason << "\n  expected: " << e.reason;
    EXPECT_TRUE(csv.rows.empty()) << e.row;
  }
}

TEST(wallet_csv, a_long_value_is_cut_short_in_the_reason) {
  const auto csv = parse_ok(header + "t1," + std::string(500, 'X') + ",0.5,2026-11-26T11:16:46Z,\n");
  ASSERT_EQ(csv.rejected.size(), 1u);
  EXPECT_LT(csv.rejected[0].reason.size(), 80u) << csv.rejected[0].reason;
}

TEST(wallet_csv, bad_rows_never_stop_the_good_ones) {
  const auto csv = parse_ok(header +
                            "good1,XMR,0.5,2026-11-26T11:16:46Z,\n"      // 2
                            "bad1,DOGE,0.5,2026-11-26T11:16:46Z,\n"      // 3
                            "good2,BTC,0.1,2026-11-26T11:16:46Z,\n"      // 4
                            "bad2,XMR,0.5,not a time,\n"                 // 5
                            "bad3,XMR\n"                                 // 6
                            "good3,ETH,1.5,2026-11-26T11:16:46Z,memo\n"  // 7
                            "bad4,XMR,0.5,2026-11-26T11:16:46Z,\"open\n"
                            "and never closed\n");  // 8-9
  ASSERT_EQ(csv.rows.size(), 3u) << rejections(csv);
  EXPECT_EQ(csv.rows[0].txid, "good1");
  EXPECT_EQ(csv.rows[1].txid, "good2");
  EXPECT_EQ(csv.rows[2].txid, "good3");
  EXPECT_EQ(csv.rows[2].line, 7);
  ASSERT_EQ(csv.rejected.size(), 4u) << rejections(csv);
  EXPECT_EQ(csv.rejected[0].line, 3);
  EXPECT_EQ(csv.rejected[1].line, 5);
  EXPECT_EQ(csv.rejected[2].line, 6);
  EXPECT_EQ(csv.rejected[3].line, 8);
}

// The rows go to PostgreSQL together: text it cannot store would fail them all.
TEST(wallet_csv, a_txid_or_memo_that_is_not_utf8_or_holds_a_nul_is_rejected_and_the_other_rows_are_kept) {
  const auto csv = parse_ok(header +
                            "good1,XMR,0.5,2026-11-26T11:16:46Z,Gr\xc3\xbc\xc3\x9f" "e\n"  // 2: UTF-8 is fine
                            "bad\xff,XMR,0.5,2026-11-26T11:16:46Z,\n"                     // 3: not UTF-8
                            "bad2,XMR,0.5,2026-11-26T11:16:46Z,caf\xe9\n"                 // 4: Latin-1 memo
                            "bad3,XMR,0.5,2026-11-26T11:16:46Z,\xc0\xaf\n"               // 5: overlong '/'
                            "bad4,XMR,0.5,2026-11-26T11:16:46Z,\xed\xa0\x80\n"          // 6: a surrogate
                            "good2,XMR,0.5,2026-11-26T11:16:46Z,\n"                      // 7
                            + std::string("bad5,XMR,0.5,2026-11-26T11:16:46Z,a\0b\n", 38)  // 8: NUL in the memo
                            + std::string("bad6\0,XMR,0.5,2026-11-26T11:16:46Z,\n", 36));  // 9: NUL in the txid
  ASSERT_EQ(csv.rows.size(), 2u) << rejections(csv);
  EXPECT_EQ(csv.rows[0].memo, "Gr\xc3\xbc\xc3\x9f" "e");
  EXPECT_EQ(csv.rows[1].txid, "good2");
  ASSERT_EQ(csv.rejected.size(), 6u) << rejections(csv);
  const int lines[] = {3, 4, 5, 6, 8, 9};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(csv.rejected[i].line, lines[i]);
    EXPECT_NE(csv.rejected[i].reason.find("not UTF-8 text"), std::string::npos) << csv.rejected[i].reason;
  }
}

TEST(wallet_csv, the_coin_is_matched_in_any_case_and_spaces_around_values_are_ignored) {
  const auto csv = parse_ok(header + " t1 , xmr , 0.5 , 2026-11-26T11:16:46Z ,  memo kept as written \n");
  ASSERT_EQ(csv.rows.size(), 1u) << rejections(csv);
  EXPECT_EQ(csv.rows[0].txid, "t1");
  EXPECT_EQ(csv.rows[0].coin, "XMR") << "the configured code, so that duplicates and lookups agree";
  EXPECT_EQ(csv.rows[0].amount, atomic_amount{500'000'000'000ULL});
  EXPECT_EQ(csv.rows[0].memo, "  memo kept as written ");
}

TEST(wallet_csv, a_coin_and_txid_seen_earlier_in_the_file_is_a_duplicate) {
  const auto csv = parse_ok(header +
                            "t1,XMR,0.5,2026-11-26T11:16:46Z,\n"   // 2
                            "t1,BTC,0.5,2026-11-26T11:16:46Z,\n"   // 3: same txid, other coin: not a duplicate
                            "t1,xmr,0.7,2026-11-26T12:00:00Z,\n"   // 4: duplicate of line 2, whatever the amount
                            "t2,XMR,0.5,bad time,\n"               // 5: rejected, so it counts for nothing
                            "t2,XMR,0.5,2026-11-26T11:16:46Z,\n"   // 6: the first good t2
                            "t1,XMR,0.5,2026-11-26T11:16:46Z,\n"   // 7: duplicate of line 2 again
                            "t2,XMR,-1,2026-11-26T11:16:46Z,\n");  // 8: bad before it is a duplicate
  ASSERT_EQ(csv.rows.size(), 3u) << rejections(csv);
  EXPECT_EQ(csv.rows[0].line, 2);
  EXPECT_EQ(csv.rows[1].line, 3);
  EXPECT_EQ(csv.rows[2].line, 6);
  ASSERT_EQ(csv.duplicates.size(), 2u);
  EXPECT_EQ(csv.duplicates[0].line, 4);
  EXPECT_EQ(csv.duplicates[0].first_line, 2);
  EXPECT_EQ(csv.duplicates[0].coin, "XMR");
  EXPECT_EQ(csv.duplicates[0].txid, "t1");
  EXPECT_EQ(csv.duplicates[1].line, 7);
  EXPECT_EQ(csv.duplicates[1].first_line, 2);
  ASSERT_EQ(csv.rejected.size(), 2u);
  EXPECT_EQ(csv.rejected[0].line, 5);
  EXPECT_EQ(csv.rejected[1].line, 8);
}

TEST(wallet_csv, parses_100000_rows) {
  std::string text = header;
  text.reserve(100'000 * 120);
  rep expected_total = 0;
  for (int i = 0; i < 100'000; ++i) {
    // Every 1000th row has a quoted memo over two lines, so line numbers drift from row numbers.
    const bool two_lines = i % 1000 == 999;
    const rep piconero = 41'230'000'000ULL + static_cast<rep>(i);
    expected_total += piconero;
    std::string digits = std::to_string(static_cast<unsigned long long>(piconero));
    digits.insert(0, 13 - digits.size(), '0');
    text += "f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b" + std::to_string(i) + ",XMR," +
            digits.substr(0, 1) + "." + digits.substr(1) + ",2026-11-26T11:16:46.123Z," +
            (two_lines ? "\"CCC-" + std::to_string(i) + "\nsecond line\"" : "CCC-" + std::to_string(i)) + "\r\n";
  }

  const auto start = std::chrono::steady_clock::now();
  const auto csv = parse_ok(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  std::cout << "[          ] 100,000 rows (" << text.size() / 1024 << " KiB) parsed in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";

  ASSERT_EQ(csv.rows.size(), 100'000u) << rejections(csv).substr(0, 2000);
  EXPECT_TRUE(csv.rejected.empty());
  EXPECT_TRUE(csv.duplicates.empty());
  rep total = 0;
  for (const auto& row : csv.rows) total += row.amount.value();
  EXPECT_EQ(total, expected_total);
  EXPECT_EQ(csv.rows[0].line, 2);
  EXPECT_EQ(csv.rows[999].line, 1001);
  EXPECT_EQ(csv.rows[999].memo, "CCC-999\nsecond line");
  EXPECT_EQ(csv.rows[1000].line, 1003);
  EXPECT_EQ(csv.rows.back().line, 2 + 99'999 + 99);  // the 99 two-line memos before it add a line each
  EXPECT_EQ(csv.rows.back().memo, "CCC-99999\nsecond line");
}

}  // namespace
}  // namespace domain_test
