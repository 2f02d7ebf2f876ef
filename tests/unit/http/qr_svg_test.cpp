#include "http/qr_svg.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

const std::string monero_uri =
    "monero:44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
    "?tx_amount=0.041230&tx_description=CCC-000123";

// EIP-681: 41.23 USDT (6 decimals) sent through the token contract's transfer().
const std::string usdt_uri =
    "ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer"
    "?address=0x8ba1f109551bD432803012645Ac136ddd64DBA72&uint256=41230000";

bool has_tool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// What a phone does with the image: rasterize the SVG and read the code back. nullopt
// when no code is found (zbarimg exits with 4). The timeouts keep a broken build from
// hanging the suite.
std::optional<std::string> scan(const std::string& svg) {
  test_support::temp_dir dir;
  dir.write("qr.svg", svg);
  const auto svg_file = dir.path() / "qr.svg";
  const auto png_file = dir.path() / "qr.png";
  const std::string rasterize =
      "timeout 10 rsvg-convert -w 400 -o '" + png_file.string() + "' '" + svg_file.string() + "'";
  if (std::system(rasterize.c_str()) != 0) return std::nullopt;

  const std::string decode = "timeout 10 zbarimg --nodbus --raw -q '" + png_file.string() + "'";
  FILE* pipe = popen(decode.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) out.append(buffer.data(), n);
  if (pclose(pipe) != 0) return std::nullopt;
  // --raw ends each symbol with a newline.
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// n from viewBox="0 0 n n", or -1.
int view_box_size(const std::string& svg) {
  std::smatch m;
  if (!std::regex_search(svg, m, std::regex(R"re(viewBox="0 0 (\d+) (\d+)")re"))) return -1;
  if (m[1] != m[2]) return -1;
  return std::stoi(m[1]);
}

class qr_svg : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(has_tool("rsvg-convert") && has_tool("zbarimg"))
        << "the QR tests scan the codes: install librsvg2-bin and zbar-tools";
  }
};

TEST_F(qr_svg, a_phone_reads_the_monero_payment_uri) {
  auto svg = http::qr_svg(monero_uri);
  ASSERT_TRUE(svg);
  EXPECT_EQ(scan(*svg), monero_uri);
}

TEST_F(qr_svg, a_phone_reads_an_eip681_token_transfer) {
  auto svg = http::qr_svg(usdt_uri);
  ASSERT_TRUE(svg);
  EXPECT_EQ(scan(*svg), usdt_uri);
}

TEST(qr_svg_document, is_a_standalone_accessible_svg) {
  auto svg = http::qr_svg(monero_uri);
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->rfind(R"(<svg xmlns="http://www.w3.org/2000/svg" )", 0), 0u) << *svg;
  EXPECT_NE(svg->find(R"(role="img")"), std::string::npos);
  EXPECT_NE(svg->find("<title>QR code</title>"), std::string::npos);
  EXPECT_NE(svg->find(R"(shape-rendering="crispEdges")"), std::string::npos);
  EXPECT_NE(svg->find(R"(fill="#fff")"), std::string::npos);
  EXPECT_EQ(svg->find("<path"), svg->rfind("<path")) << "one path for all dark modules";
  EXPECT_EQ(svg->substr(svg->size() - 7), "</svg>\n");
}

TEST(qr_svg_document, view_box_is_the_symbol_plus_the_quiet_zone) {
  // 7 bytes fit version 1 (21 modules); 4 quiet modules on each side.
  auto small = http::qr_svg("monero:");
  ASSERT_TRUE(small);
  EXPECT_EQ(view_box_size(*small), 21 + 8);

  // 147 bytes: more than version 7 holds at level M (122), so version 8, 49 modules.
  ASSERT_EQ(monero_uri.size(), 147u);
  auto svg = http::qr_svg(monero_uri);
  ASSERT_TRUE(svg);
  EXPECT_EQ(view_box_size(*svg), 49 + 8);
}

TEST(qr_svg_document, drawing_starts_inside_the_quiet_zone) {
  // The top-left finder pattern's first row (7 dark modules) is the first thing drawn,
  // 4 modules in from each edge.
  auto svg = http::qr_svg(monero_uri);
  ASSERT_TRUE(svg);
  EXPECT_NE(svg->find(R"(d="M4 4.5h7m)"), std::string::npos) << *svg;
}

TEST(qr_svg_document, is_small) {
  // Merged runs: well under 2 bytes per module (one <rect> per dark module would be ~15).
  auto svg = http::qr_svg(monero_uri);
  ASSERT_TRUE(svg);
  const int n = view_box_size(*svg);
  EXPECT_LT(svg->size(), static_cast<std::size_t>(2 * n * n)) << svg->size() << " bytes for " << n << "x" << n;
}

TEST(qr_svg_document, no_code_for_empty_or_too_long_text) {
  EXPECT_FALSE(http::qr_svg(""));
  EXPECT_FALSE(http::qr_svg(std::string(5000, 'x')));
  EXPECT_FALSE(http::qr_svg(std::string(http::qr_max_bytes + 1, 'x')));
  EXPECT_TRUE(http::qr_svg(std::string(http::qr_max_bytes, 'x')));
}

TEST(qr_svg_document, same_codes_from_concurrent_threads) {
  std::vector<std::string> texts;
  std::vector<std::string> expected;
  for (int i = 0; i < 8; ++i) {
    texts.push_back(monero_uri + "&n=" + std::to_string(i));
    expected.push_back(*http::qr_svg(texts.back()));
  }
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&texts, &out = got[t]] {
      for (int round = 0; round < 10; ++round) {
        for (const auto& text : texts) out.push_back(http::qr_svg(text).value_or(""));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& out : got) {
    ASSERT_EQ(out.size(), 10 * texts.size());
    for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], expected[i % texts.size()]) << i;
  }
}

}  // namespace
