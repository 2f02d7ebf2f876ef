#pragma once

// A QR code drawn with Unicode half blocks, for the operator's terminal
// (the admin's TOTP secret at enrolment).

#include <string>
#include <string_view>

namespace identity {

/// Two module rows per text line, dark on a light quiet zone. Throws
/// std::runtime_error when the text does not fit a QR code.
std::string terminal_qr(std::string_view text);

}  // namespace identity
