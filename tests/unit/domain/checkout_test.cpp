// Checkout: prices from the catalog, integer totals, shipping policy, and a named
// field for every problem in what the customer sent.

#include <gtest/gtest.h>

#include <cctype>
#include <functional>

#include "order_fixtures.hpp"

namespace domain_test {
namespace {

checkout_input valid_input() {
  checkout_input in;
  in.items = {{"HP-64XL-BLK", 2}, {"CANON-PG245", 1}};
  in.customer = {"Ada Lovelace", "ada@example.com"};
  in.shipping = {"1 Euclid Ave", "", "Cleveland", "OH", "44115", "US"};
  in.payment_method = "XMR";
  return in;
}

result<priced_checkout> price(const checkout_input& in, const catalog& c = shop_catalog()) {
  static const std::vector<payment_method> methods = all_methods();
  return price_checkout(c, methods, shipping_policy{}, in);
}

TEST(checkout, prices_every_line_from_the_catalog) {
  const auto priced = price(valid_input());
  ASSERT_TRUE(priced) << priced.error().field << ": " << priced.error().detail;
  ASSERT_EQ(priced->lines.size(), 2u);
  EXPECT_EQ(priced->lines[0].item.value(), "HP-64XL-BLK");
  EXPECT_EQ(priced->lines[0].name, "HP 64XL Black");
  EXPECT_EQ(priced->lines[0].count, quantity{2});
  EXPECT_EQ(priced->lines[0].unit_price, cents{3499});
  EXPECT_EQ(priced->lines[0].line_total, cents{6998});
  EXPECT_EQ(priced->lines[1].item.value(), "CANON-PG245");
  EXPECT_EQ(priced->lines[1].unit_price, cents{1999});
  EXPECT_EQ(priced->lines[1].line_total, cents{1999});
  EXPECT_EQ(priced->subtotal, cents{8997});
  EXPECT_EQ(priced->shipping, cents{0});
  EXPECT_EQ(priced->total, cents{8997});
  ASSERT_NE(priced->method, nullptr);
  EXPECT_EQ(priced->method->code, "XMR");
}

TEST(checkout, follows_a_price_change_in_the_catalog) {
  catalog repriced{
      {make_product("HP-64XL-BLK", "HP 64XL Black", 2999, 5), make_product("CANON-PG245", "Canon PG-245", 1999, 5)}};
  const auto priced = price(valid_input(), repriced);
  ASSERT_TRUE(priced);
  EXPECT_EQ(priced->lines[0].unit_price, cents{2999});
  EXPECT_EQ(priced->subtotal, cents{2 * 2999 + 1999});
}

TEST(checkout, totals_are_exact_integer_cents_at_the_largest_order) {
  std::vector<product> many;
  checkout_input in = valid_input();
  in.items.clear();
  for (std::size_t i = 0; i < max_lines; ++i) {
    const std::string id = "SKU-" + std::to_string(i);
    many.push_back(make_product(id, "Item " + std::to_string(i), 99'999 + static_cast<std::int64_t>(i), 1000));
    in.items.push_back({id, max_quantity});
  }
  const auto priced = price(in, catalog{many});
  ASSERT_TRUE(priced) << priced.error().detail;
  std::int64_t expected = 0;
  for (std::size_t i = 0; i < max_lines; ++i) expected += (99'999 + static_cast<std::int64_t>(i)) * 99;
  EXPECT_EQ(priced->subtotal, cents{expected});
  EXPECT_EQ(priced->total, cents{expected});
}

// ---- shipping policy ------------------------------------------------------------

TEST(shipping_policy, is_free_from_fifty_dollars) {
  checkout_input in = valid_input();
  in.items = {{"EPSON-202", 2}};  // exactly $50.00
  const auto priced = price(in);
  ASSERT_TRUE(priced);
  EXPECT_EQ(priced->subtotal, cents{5000});
  EXPECT_EQ(priced->shipping, cents{0});
  EXPECT_EQ(priced->total, cents{5000});
}

TEST(shipping_policy, costs_five_ninety_nine_below_fifty_dollars) {
  checkout_input in = valid_input();
  in.items = {{"BROTHER-TN760", 1}};  // $49.99
  const auto priced = price(in);
  ASSERT_TRUE(priced);
  EXPECT_EQ(priced->subtotal, cents{4999});
  EXPECT_EQ(priced->shipping, cents{599});
  EXPECT_EQ(priced->total, cents{5598});

  in.items = {{"CANON-PG245", 1}};
  const auto small = price(in);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->total, cents{1999 + 599});
}

TEST(shipping_policy, follows_the_configured_policy) {
  checkout_input in = valid_input();
  in.items = {{"EPSON-202", 2}};  // $50.00
  const std::vector<payment_method> methods = all_methods();
  const auto priced = price_checkout(shop_catalog(), methods, shipping_policy{cents{850}, cents{7500}}, in);
  ASSERT_TRUE(priced);
  EXPECT_EQ(priced->shipping, cents{850});
  EXPECT_EQ(priced->total, cents{5850});
}

// ---- every refusal names its field ------------------------------------------------

struct bad_input {
  const char* what;
  std::function<void(checkout_input&)> change;
  error_code code;
  const char* field;
};

class checkout_refuses : public ::testing::TestWithParam<bad_input> {};

TEST_P(checkout_refuses, naming_the_offending_field) {
  checkout_input in = valid_input();
  GetParam().change(in);
  const auto priced = price(in);
  ASSERT_FALSE(priced) << "accepted: " << GetParam().what;
  EXPECT_EQ(priced.error().code, GetParam().code) << to_string(priced.error().code) << ": " << priced.error().detail;
  EXPECT_EQ(priced.error().field, GetParam().field);
  EXPECT_FALSE(priced.error().detail.empty());
}

const bad_input bad_inputs[] = {
    {"no items", [](checkout_input& in) { in.items.clear(); }, error_code::validation, "items"},
    {"too many lines",
     [](checkout_input& in) {
       in.items.assign(max_lines + 1, {"HP-64XL-BLK", 1});
     },
     error_code::validation, "items"},
    {"unknown sku", [](checkout_input& in) { in.items[1].sku = "NOT-A-CARTRIDGE"; }, error_code::validation,
     "items[1].sku"},
    {"empty sku", [](checkout_input& in) { in.items[0].sku = ""; }, error_code::validation, "items[0].sku"},
    {"sku in the wrong case", [](checkout_input& in) { in.items[0].sku = "hp-64xl-blk"; }, error_code::validation,
     "items[0].sku"},
    {"quantity 0", [](checkout_input& in) { in.items[0].quantity = 0; }, error_code::validation, "items[0].quantity"},
    {"quantity 100", [](checkout_input& in) { in.items[1].quantity = 100; }, error_code::validation,
     "items[1].quantity"},
    {"negative quantity", [](checkout_input& in) { in.items[0].quantity = -2; }, error_code::validation,
     "items[0].quantity"},
    {"quantity beyond int", [](checkout_input& in) { in.items[0].quantity = 4'294'967'298; }, error_code::validation,
     "items[0].quantity"},
    {"duplicate sku",
     [](checkout_input& in) {
       in.items.push_back({"HP-64XL-BLK", 1});
     },
     error_code::validation, "items[2].sku"},
    {"out of stock",
     [](checkout_input& in) {
       in.items[1] = {"HP-FUSER", 1};
     },
     error_code::out_of_stock, "items[1].sku"},
    {"missing name", [](checkout_input& in) { in.customer.name = ""; }, error_code::validation, "customer.name"},
    {"blank name", [](checkout_input& in) { in.customer.name = " \t "; }, error_code::validation, "customer.name"},
    {"missing email", [](checkout_input& in) { in.customer.email = ""; }, error_code::validation, "customer.email"},
    {"email without @", [](checkout_input& in) { in.customer.email = "ada.example.com"; }, error_code::validation,
     "customer.email"},
    {"email without domain", [](checkout_input& in) { in.customer.email = "ada@"; }, error_code::validation,
     "customer.email"},
    {"email without local part", [](checkout_input& in) { in.customer.email = "@example.com"; }, error_code::validation,
     "customer.email"},
    {"email without dot in domain", [](checkout_input& in) { in.customer.email = "ada@localhost"; },
     error_code::validation, "customer.email"},
    {"email with two @", [](checkout_input& in) { in.customer.email = "ada@lovelace@example.com"; },
     error_code::validation, "customer.email"},
    {"email with a space", [](checkout_input& in) { in.customer.email = "ada lovelace@example.com"; },
     error_code::validation, "customer.email"},
    {"email with a header injection", [](checkout_input& in) { in.customer.email = "ada@example.com\r\nBcc:eve"; },
     error_code::validation, "customer.email"},
    {"email with a DEL", [](checkout_input& in) { in.customer.email = "ada\x7f@example.com"; }, error_code::validation,
     "customer.email"},
    {"email ending in a dot", [](checkout_input& in) { in.customer.email = "ada@example."; }, error_code::validation,
     "customer.email"},
    {"missing line1", [](checkout_input& in) { in.shipping.line1 = ""; }, error_code::validation, "shipping.line1"},
    {"missing city", [](checkout_input& in) { in.shipping.city = " "; }, error_code::validation, "shipping.city"},
    {"missing postal code", [](checkout_input& in) { in.shipping.postal_code = ""; }, error_code::validation,
     "shipping.postal_code"},
    {"missing country", [](checkout_input& in) { in.shipping.country = ""; }, error_code::validation,
     "shipping.country"},
    {"three-letter country", [](checkout_input& in) { in.shipping.country = "USA"; }, error_code::validation,
     "shipping.country"},
    {"lower-case country", [](checkout_input& in) { in.shipping.country = "us"; }, error_code::validation,
     "shipping.country"},
    {"digit in country", [](checkout_input& in) { in.shipping.country = "U1"; }, error_code::validation,
     "shipping.country"},
    {"US without state", [](checkout_input& in) { in.shipping.region = ""; }, error_code::validation,
     "shipping.region"},
    {"Canada without province",
     [](checkout_input& in) {
       in.shipping.country = "CA";
       in.shipping.region = " ";
     },
     error_code::validation, "shipping.region"},
    {"overlong line2", [](checkout_input& in) { in.shipping.line2 = std::string(201, 'x'); }, error_code::validation,
     "shipping.line2"},
    {"overlong name", [](checkout_input& in) { in.customer.name = std::string(201, 'x'); }, error_code::validation,
     "customer.name"},
    {"name with a link", [](checkout_input& in) { in.customer.name = "Ada https://evil.example/win"; },
     error_code::validation, "customer.name"},
    {"name with a bare domain", [](checkout_input& in) { in.customer.name = "Claim your prize at evil.com"; },
     error_code::validation, "customer.name"},
    {"line1 with www", [](checkout_input& in) { in.shipping.line1 = "1 Euclid Ave www.evil.example"; },
     error_code::validation, "shipping.line1"},
    {"line2 with a short link", [](checkout_input& in) { in.shipping.line2 = "bit.ly/3xYz"; }, error_code::validation,
     "shipping.line2"},
    {"city with a javascript scheme", [](checkout_input& in) { in.shipping.city = "javascript:alert(1)"; },
     error_code::validation, "shipping.city"},
    {"region with a domain", [](checkout_input& in) { in.shipping.region = "OH evil.net"; }, error_code::validation,
     "shipping.region"},
    {"postal code with a mailto", [](checkout_input& in) { in.shipping.postal_code = "mailto:eve@example.org"; },
     error_code::validation, "shipping.postal_code"},
    {"name with a line break", [](checkout_input& in) { in.customer.name = "Ada\r\nBcc: eve@attacker.example"; },
     error_code::validation, "customer.name"},
    {"name with a tab", [](checkout_input& in) { in.customer.name = "Ada\tLovelace"; }, error_code::validation,
     "customer.name"},
    {"line1 with a line feed", [](checkout_input& in) { in.shipping.line1 = "1 Euclid Ave\nX-Evil: 1"; },
     error_code::validation, "shipping.line1"},
    {"line2 with a NUL", [](checkout_input& in) { in.shipping.line2 = std::string("Apt 4\0B", 7); },
     error_code::validation, "shipping.line2"},
    {"city with an escape", [](checkout_input& in) { in.shipping.city = "Cleveland\x1b[31m"; }, error_code::validation,
     "shipping.city"},
    {"region with a carriage return", [](checkout_input& in) { in.shipping.region = "OH\r"; }, error_code::validation,
     "shipping.region"},
    {"postal code with a DEL", [](checkout_input& in) { in.shipping.postal_code = "44115\x7f"; },
     error_code::validation, "shipping.postal_code"},
    {"unknown payment method", [](checkout_input& in) { in.payment_method = "DOGE"; }, error_code::validation,
     "payment_method"},
    {"no payment method", [](checkout_input& in) { in.payment_method = ""; }, error_code::validation, "payment_method"},
    {"payment method in the wrong case", [](checkout_input& in) { in.payment_method = "xmr"; }, error_code::validation,
     "payment_method"},
};

INSTANTIATE_TEST_SUITE_P(every_rule, checkout_refuses, ::testing::ValuesIn(bad_inputs),
                         [](const ::testing::TestParamInfo<bad_input>& info) {
                           std::string name;
                           for (const char* c = info.param.what; *c; ++c)
                             name.push_back(std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_');
                           return name;
                         });

TEST(checkout, accepts_what_the_rules_allow) {
  for (const auto& change : std::vector<std::function<void(checkout_input&)>>{
           [](checkout_input& in) { in.items[0].quantity = 99; },
           [](checkout_input& in) { in.items[0].quantity = 1; },
           [](checkout_input& in) { in.shipping.line2 = "Apt 4"; },
           [](checkout_input& in) {  // no state needed outside the US and Canada
             in.shipping.country = "DE";
             in.shipping.region = "";
           },
           [](checkout_input& in) { in.customer.email = "ada+ink@mail.example.co.uk"; },
           [](checkout_input& in) { in.payment_method = "USDC"; },
           [](checkout_input& in) { in.customer.name = "J.R.R. Tolkien"; },
           [](checkout_input& in) { in.customer.name = "Seán O'Brien-Smith"; },
           [](checkout_input& in) {
             in.shipping.line1 = "P.O. Box 12";
             in.shipping.line2 = "Ste. 200, Apt. 4B";
             in.shipping.city = "St. John's";
             in.shipping.region = "NL";
             in.shipping.postal_code = "A1C 5M2";
             in.shipping.country = "CA";
           },
       }) {
    checkout_input in = valid_input();
    change(in);
    const auto priced = price(in);
    EXPECT_TRUE(priced) << priced.error().field << ": " << priced.error().detail;
  }
}

TEST(checkout, names_the_field_that_holds_a_web_address_in_words_for_people) {
  checkout_input in = valid_input();
  in.customer.name = "Ada www.evil.example";
  auto priced = price(in);
  ASSERT_FALSE(priced);
  EXPECT_EQ(priced.error().code, error_code::validation);
  EXPECT_EQ(priced.error().field, "customer.name");
  EXPECT_EQ(priced.error().detail, "Name must not contain a web address");

  in = valid_input();
  in.shipping.line2 = "evil.com";
  priced = price(in);
  ASSERT_FALSE(priced);
  EXPECT_EQ(priced.error().field, "shipping.line2");
  EXPECT_EQ(priced.error().detail, "Address line 2 must not contain a web address");
}

// ---- customer text never becomes a link -----------------------------------------
//
// Names and addresses end up in emails, on the dashboard and on packing slips, where
// a mail client or a viewer may turn "evil.com" into a link the shop seems to send.
// The detector must catch what a linkifier would catch, and never refuse a real
// name or address.

TEST(contains_web_address, finds_what_a_linkifier_would_turn_into_a_link) {
  const char* const refused[] = {
      // schemes, in any case, followed by something
      "http://evil.example",
      "HTTPS://EVIL.EXAMPLE/path",
      "Ada https:evil",
      "see http: //evil",
      "ftp://files.example.net",
      "mailto:eve@example.com",
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "java\tscript:alert(1)",  // browsers drop tabs and newlines inside a URL
      "java\nscript:alert(1)",
      "data:text/html;base64,PHNjcmlwdD4=",
      "(http://evil.example)",
      "1http://x",
      // www.
      "www.evil",
      "Visit WWW.Example.org today",
      "www.1example",
      // bare domains with a common top-level domain
      "evil.com",
      "EVIL.COM",
      "Ada Lovelace evil.com",
      "evil.com.",
      "(evil.com)",
      "evil.com, thanks",
      "mail.evil.co.uk",
      "evil-site.net",
      "xn--80ak6aa92e.com",
      "x.com",
      "Zoë evil.ru",
      "1 Main St evil.info",
      "ada@example.com",  // an email address becomes a mailto: link too
      "free-stuff.xyz!",
      "bit.ly",
      // any top-level domain followed by a path, port, query or fragment
      "bit.ly/x",
      "t.co/abc",
      "t.me/joinchat",
      "Ada evil.example/free",
      "shop.evil.example:8080",
      "evil.example?x=1",
      "evil.example#top",
      "Ada (evil.example/free)",
      "Müller evil.shop/x",
  };
  for (const char* text : refused) EXPECT_TRUE(contains_web_address(text)) << "not found in '" << text << "'";
}

TEST(contains_web_address, never_refuses_real_names_and_addresses) {
  const char* const accepted[] = {
      "Ada Lovelace",
      "St. John",
      "St.John",
      "St. John's",
      "Apt. 4B",
      "Apt.4B",
      "J.R.R. Tolkien",
      "J.R.R.Tolkien",
      "P.O. Box 12",
      "P.O.Box 12",
      "PO Box 12",
      "123 Main St.",
      "123 Main St.,",
      "Ste. 200",
      "Ste.200",
      "O'Brien-Smith",
      "Mary-Kate O'Neil",
      "José María Muñoz",
      "Zoë Ørsted",
      "Müller-Lüdenscheidt",
      "北京市朝阳区建国路88号",
      "Иван Петров",
      "محمد علي",
      "Mr. T",
      "Dr. Martin Luther King Jr. Blvd.",
      "No. 5, Rue de l'Église",
      "Mt. Pleasant",
      "Ft. Worth",
      "St.-Laurent",
      "Saint-Jean-sur-Richelieu",
      "Washington, D.C.",
      "St. Louis, MO",
      "U.S.A.",
      "Ph.D.",
      "Ada Lovelace, M.Sc.",
      "B.Sc/M.Sc",
      "Mary J.Li",
      "Tran T.Ly",
      "Co. Cork",
      "Smith & Co.",
      "Acme Ltd.",
      "Flat 3/2",
      "c/o Mary Smith",
      "1/2 Main St.",
      "Unit 5/12 George St.",
      "Bldg. A/B",
      "Rm.101",
      "Room 1.5",
      "Km 3.5 Carretera",
      "Edificio 2.A",
      "44115",
      "EC1A 1BB",
      "A1C 5M2",
      "OH",
      "Data Street",
      "Http Lane",
      "Attn: Ada",
      "Dept: Accounts",
      "Ada (née Byron)",
      "www",
      "Wwwbury",
      "1 Euclid Ave",
      "",
  };
  for (const char* text : accepted) EXPECT_FALSE(contains_web_address(text)) << "refused '" << text << "'";
}

TEST(checkout, reports_the_first_problem_in_the_items_before_the_customer) {
  checkout_input in = valid_input();
  in.items[0].quantity = 0;
  in.customer.email = "nope";
  const auto priced = price(in);
  ASSERT_FALSE(priced);
  EXPECT_EQ(priced.error().field, "items[0].quantity");
}

TEST(catalog, finds_products_by_exact_sku_and_keeps_display_order) {
  const catalog c = shop_catalog();
  ASSERT_NE(c.find("EPSON-202"), nullptr);
  EXPECT_EQ(c.find("EPSON-202")->price, cents{2500});
  EXPECT_EQ(c.find("epson-202"), nullptr);
  EXPECT_EQ(c.find(""), nullptr);
  ASSERT_EQ(c.products().size(), 5u);
  EXPECT_EQ(c.products().front().id.value(), "HP-64XL-BLK");
  EXPECT_FALSE(c.find("HP-FUSER")->in_stock());
  EXPECT_TRUE(c.find("BROTHER-TN760")->in_stock());
}

}  // namespace
}  // namespace domain_test
