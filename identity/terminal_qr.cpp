#include "identity/terminal_qr.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace identity {

std::string terminal_qr(std::string_view text) {
  const std::string input{text};
  std::unique_ptr<QRcode, void (*)(QRcode*)> code{QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                  QRcode_free};
  if (!code) throw std::runtime_error("the text does not fit a QR code");
  const int width = code->width;
  constexpr int quiet = 2;
  // Light modules are drawn, dark ones left blank: most terminals are dark,
  // and a scanner wants dark modules on light.
  auto dark = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= width || y >= width) return false;
    return (code->data[y * width + x] & 1) != 0;
  };
  std::string out;
  for (int y = -quiet; y < width + quiet; y += 2) {
    for (int x = -quiet; x < width + quiet; ++x) {
      const bool top = !dark(x, y);
      const bool bottom = !dark(x, y + 1);
      if (top && bottom) out += "\u2588";
      else if (top) out += "\u2580";
      else if (bottom) out += "\u2584";
      else out += ' ';
    }
    out += '\n';
  }
  return out;
}

}  // namespace identity
