#include "actors/errors.hpp"

#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace actors {

caf::error to_caf_error(const domain::domain_error& e) {
  return caf::error{static_cast<std::uint8_t>(e.code), domain_error_category, caf::make_message(e.field, e.detail)};
}

domain::domain_error to_domain_error(const caf::error& e) {
  using domain::error_code;
  if (e.category() == domain_error_category) {
    domain::domain_error out{static_cast<error_code>(e.code()), {}, {}};
    const auto& ctx = e.context();
    if (ctx.match_elements<std::string, std::string>()) {
      out.field = ctx.get_as<std::string>(0);
      out.detail = ctx.get_as<std::string>(1);
    }
    return out;
  }
  if (e.category() == caf::atom("system") && e.code() == static_cast<std::uint8_t>(caf::sec::request_timeout))
    return domain::make_error(error_code::unavailable, "the engine did not answer in time; please retry");
  return domain::make_error(error_code::unavailable,
                            "the engine could not complete the request (" + to_string(e) + "); please retry");
}

std::string render_domain_error(std::uint8_t code, caf::atom_value, const caf::message& context) {
  std::string out = std::string{"domain: "} + domain::to_string(static_cast<domain::error_code>(code));
  if (context.match_elements<std::string, std::string>()) out += ": " + context.get_as<std::string>(1);
  return out;
}

}  // namespace actors
