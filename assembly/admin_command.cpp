#include "assembly/admin_command.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <stdexcept>

#include "actors/admin_accounts.hpp"
#include "assembly/startup.hpp"
#include "identity/terminal_qr.hpp"
#include "persistence/admin_store.hpp"
#include "persistence/connection.hpp"
#include "persistence/migrate.hpp"
#include "sealing/key_file.hpp"

namespace assembly {
namespace {

constexpr const char* usage =
    "usage: order_engine [--config FILE] admin add EMAIL      (the password is read from stdin)\n"
    "       order_engine [--config FILE] admin reset-2fa EMAIL\n";

/// One line from `in`; on a terminal the typing is not shown.
std::string read_secret(std::istream& in, std::ostream& err, const char* prompt) {
  const bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    err << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(in, line);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void print_second_factor(std::ostream& out, const std::string& email, const actors::enrolment& e) {
  out << "Second factor for " << email << "\n\n"
      << "Scan this with an authenticator app (or type the secret into it):\n\n"
      << identity::terminal_qr(e.otpauth_uri) << "\n"
      << "  secret: " << e.totp_secret << "\n"
      << "  uri:    " << e.otpauth_uri << "\n\n"
      << "Recovery codes (each works once, instead of a code from the app; keep them offline):\n";
  for (const auto& code : e.recovery_codes) out << "  " << code << "\n";
}

}  // namespace

int admin_command(const config::engine_config& config, const std::vector<std::string>& args, std::istream& in,
                  std::ostream& out, std::ostream& err) {
  if (args.size() != 2 || (args[0] != "add" && args[0] != "reset-2fa")) {
    err << usage;
    return 2;
  }
  const std::string email = actors::admin_email(args[1]);
  if (email.empty()) {
    err << "admin: \"" << args[1] << "\" is not an email address\n";
    return 1;
  }
  try {
    // The TOTP secret is stored sealed by the shop's vault: without the
    // master key nothing is changed, before the database is touched.
    auto master = read_master_keys(config.security.master_key_file);
    persistence::migrate(config.database.url);
    persistence::connection db{config.database.url};
    persistence::admin_store store{db};
    actors::admin_accounts accounts{store, open_vault(std::move(master), db),
                                    actors::admin_policy{{}, {}, config.shop.name}};
    if (args[0] == "add") {
      const std::string password = read_secret(in, err, "Password: ");
      if (&in == &std::cin && isatty(STDIN_FILENO) && read_secret(in, err, "Again: ") != password) {
        err << "admin: the two passwords differ; nothing was changed\n";
        return 1;
      }
      const auto enrolled = accounts.enrol(email, password);
      out << "Admin " << email << " added.\n\n";
      print_second_factor(out, email, enrolled);
      return 0;
    }
    const auto reset = accounts.reset_second_factor(email);
    if (!reset) {
      err << "admin: there is no admin " << email << "\n";
      return 1;
    }
    out << "The old authenticator codes and recovery codes of " << email << " no longer work.\n\n";
    print_second_factor(out, email, *reset);
    return 0;
  } catch (const std::invalid_argument& e) {
    err << "admin: " << e.what() << "; nothing was changed\n";
    return 1;
  } catch (const sealing::key_file_error& e) {
    err << "admin: " << e.what() << "; nothing was changed\n";
    return 2;
  } catch (const persistence::duplicate_admin& e) {
    err << "admin: " << e.what() << " (order_engine admin reset-2fa EMAIL gives it a new second factor)\n";
    return 1;
  } catch (const std::exception& e) {
    err << "admin: the database cannot be reached: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace assembly
