#include "mail/renderer.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <mstch/mstch.hpp>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace mail {
namespace {

// mstch escapes through one process-wide function. The subject and the text part must
// not be HTML-escaped, the HTML part must; a per-thread switch lets renders on several
// threads choose independently without touching the global while others read it.
thread_local bool escape_html = true;

// The five characters that matter in HTML text and quoted attributes. mstch's own
// escape also turns '/' into "&#x2F;", which makes every link unreadable in the source
// (and in the tests) for no gain inside quoted attributes.
std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void install_escape_switch() {
  static std::once_flag once;
  std::call_once(once,
                 [] { mstch::config::escape = [](const std::string& s) { return escape_html ? html_escape(s) : s; }; });
}

class escaping_scope {
 public:
  explicit escaping_scope(bool html) : previous_(escape_html) { escape_html = html; }
  ~escaping_scope() { escape_html = previous_; }
  escaping_scope(const escaping_scope&) = delete;
  escaping_scope& operator=(const escaping_scope&) = delete;

 private:
  bool previous_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw std::runtime_error("mail template " + path.string() + " is missing or unreadable");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string{s.substr(first, last - first + 1)};
}

// mstch renders a broken template without complaint (an unclosed section silently drops
// the rest of the email), so the tags are checked here, once, when the templates load.
void check_template(const std::filesystem::path& path, const std::string& text) {
  struct open_section {
    std::string name;
    std::size_t line;
  };
  std::vector<open_section> open;
  auto line_at = [&](std::size_t pos) {
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + pos, '\n'));
  };
  auto fail = [&](std::size_t pos, const std::string& what) {
    throw std::runtime_error("mail template " + path.string() + ", line " + std::to_string(line_at(pos)) + ": " + what);
  };
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string::npos) {
    const bool triple = text.compare(pos, 3, "{{{") == 0;
    const std::string closer = triple ? "}}}" : "}}";
    const auto body_start = pos + (triple ? 3 : 2);
    const auto end = text.find(closer, body_start);
    if (end == std::string::npos) fail(pos, "tag '" + text.substr(pos, 20) + "' is never closed");
    const std::string tag = trim(std::string_view{text}.substr(body_start, end - body_start));
    if (tag.empty()) fail(pos, "empty tag");
    const bool has_sigil = !triple && std::string_view{"#^/&!>="}.find(tag.front()) != std::string_view::npos;
    const char sigil = triple ? '&' : has_sigil ? tag.front() : '\0';
    const std::string name = has_sigil ? trim(std::string_view{tag}.substr(1)) : tag;
    // A tag running into the next one, or over a line, lost its closing braces.
    if (sigil != '!' && (tag.find("{{") != std::string::npos || tag.find('\n') != std::string::npos))
      fail(pos, "tag '" + text.substr(pos, 20) + "' is never closed");
    switch (sigil) {
      case '!':
        break;
      case '>':
        fail(pos, "partials are not supported: {{" + tag + "}}");
        break;
      case '=':
        fail(pos, "changing delimiters is not supported: {{" + tag + "}}");
        break;
      case '#':
      case '^':
        if (name.empty()) fail(pos, "section without a name");
        open.push_back({name, line_at(pos)});
        break;
      case '/':
        if (open.empty()) fail(pos, "{{/" + name + "}} closes a section that was never opened");
        if (open.back().name != name)
          fail(pos, "{{/" + name + "}} closes section '" + open.back().name + "' opened on line " +
                        std::to_string(open.back().line));
        open.pop_back();
        break;
      default:
        if (name.empty()) fail(pos, "tag without a name");
        if (name.find_first_of(" \t") != std::string::npos) fail(pos, "bad name in {{" + tag + "}}");
        break;
    }
    pos = end + closer.size();
  }
  if (!open.empty())
    throw std::runtime_error("mail template " + path.string() + ", line " + std::to_string(open.back().line) +
                             ": section '" + open.back().name + "' is never closed");
}

mstch::node to_node(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return nullptr;
    case nlohmann::json::value_t::boolean:
      return value.get<bool>();
    case nlohmann::json::value_t::string:
      return value.get<std::string>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: {
      // mstch knows only int; anything wider is shown as written.
      if (value.is_number_unsigned() ? value.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<int>::max())
                                     : (value.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                                        value.get<std::int64_t>() <= std::numeric_limits<int>::max()))
        return value.get<int>();
      return value.dump();
    }
    case nlohmann::json::value_t::number_float:
      return value.dump();  // mstch would print 3000000000.0 as "3e+09"
    case nlohmann::json::value_t::array: {
      mstch::array items;
      items.reserve(value.size());
      for (const auto& item : value) items.push_back(to_node(item));
      return items;
    }
    case nlohmann::json::value_t::object: {
      mstch::map fields;
      for (auto it = value.begin(); it != value.end(); ++it) fields.emplace(it.key(), to_node(it.value()));
      return fields;
    }
    case nlohmann::json::value_t::binary:
      break;
  }
  return nullptr;
}

// Mustache cannot compare: a template cannot ask "was it cancelled by the customer?"
// of a string. The renderer adds one flag per known value, documented in the README.
void add_choice_flags(nlohmann::json& data) {
  auto order = data.find("order");
  if (order == data.end() || !order->is_object()) return;
  auto flag = [&](const char* field, std::initializer_list<const char*> values) {
    const auto found = order->find(field);
    const std::string chosen = found != order->end() && found->is_string() ? found->get<std::string>() : "";
    for (const char* value : values) (*order)[std::string{field} + "_" + value] = chosen == value;
  };
  flag("cancelled_by", {"customer", "admin", "system"});
  flag("status", {"pending", "paid", "processing", "shipped", "delivered", "cancelled"});
}

// A subject is one line however the template file was laid out.
std::string one_line(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& renderer::kinds() {
  static const std::vector<std::string> all{
      "order_confirmation", "new_order_admin", "payment_received", "shipping",
      "payment_reminder",   "order_cancelled", "review_request",   "contact_customer",
      "refund_due",         "refund_address_received", "refund_sent",
  };
  return all;
}

renderer::renderer(std::filesystem::path templates_dir) : dir_(std::move(templates_dir)) {
  install_escape_switch();
  for (const auto& kind : kinds()) {
    auto load = [&](const char* suffix) {
      const auto path = dir_ / (kind + suffix);
      auto text = read_file(path);
      check_template(path, text);
      return text;
    };
    templates t;
    t.subject = load(".subject.mustache");
    t.text = load(".txt.mustache");
    t.html = load(".html.mustache");
    by_kind_.emplace(kind, std::move(t));
  }
}

rendered renderer::render(const std::string& kind, const nlohmann::json& data) const {
  const auto found = by_kind_.find(kind);
  if (found == by_kind_.end()) throw std::invalid_argument("no mail template of kind '" + kind + "'");
  if (!data.is_object()) throw std::invalid_argument("mail data for '" + kind + "' is not a JSON object");
  auto augmented = data;
  add_choice_flags(augmented);
  const auto context = to_node(augmented);
  rendered out;
  {
    escaping_scope plain{false};
    out.subject = one_line(mstch::render(found->second.subject, context));
    out.text = mstch::render(found->second.text, context);
  }
  {
    escaping_scope html{true};
    out.html = mstch::render(found->second.html, context);
  }
  return out;
}

}  // namespace mail
