#include "http/qr_svg.hpp"

#include <cstddef>
#include <memory>
#include <string>

#include <qrencode.h>

namespace http {

namespace {

struct qrcode_deleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

// Dark modules as one stroked path: each horizontal run of dark modules is an `h`
// segment one unit thick, the gaps between runs are relative moves. Relative numbers
// stay short, which keeps a version-10 code around 5 kB instead of the ~60 kB that one
// rect per module would take.
std::string dark_runs_path(const QRcode& code) {
  const int width = code.width;
  std::string path;
  path.reserve(static_cast<std::size_t>(width) * width);
  // Where the pen is, in modules, relative to the symbol's top-left corner.
  int pen_x = 0;
  int pen_y = 0;
  bool first = true;
  for (int y = 0; y < width; ++y) {
    const unsigned char* row = code.data + static_cast<std::size_t>(y) * width;
    int x = 0;
    while (x < width) {
      // Bit 0 is the module's colour; the other bits say what kind of module it is.
      if (!(row[x] & 1)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < width && (row[x] & 1)) ++x;
      if (first) {
        // A stroke of width 1 is centred on its line, so the line runs through the
        // middle of the module row.
        path += 'M';
        path += std::to_string(start + qr_quiet_zone);
        path += ' ';
        path += std::to_string(y + qr_quiet_zone);
        path += ".5";
        first = false;
      } else {
        path += 'm';
        path += std::to_string(start - pen_x);
        path += ' ';
        path += std::to_string(y - pen_y);
      }
      path += 'h';
      path += std::to_string(x - start);
      pen_x = x;
      pen_y = y;
    }
  }
  return path;
}

}  // namespace

std::optional<std::string> qr_svg(std::string_view text) {
  // The upper bound also keeps the size within the int that libqrencode takes.
  if (text.empty() || text.size() > qr_max_bytes) return std::nullopt;

  // QRcode_encodeData always uses 8-bit mode (no numeric/alphanumeric segments, so no
  // surprises with lower-case URIs) and accepts any bytes. libqrencode 4 guards its
  // shared Reed-Solomon tables with a mutex (the library links pthread), so concurrent
  // calls are safe; nothing here is shared between calls.
  std::unique_ptr<QRcode, qrcode_deleter> code{QRcode_encodeData(
      static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M)};
  if (!code) return std::nullopt;  // ERANGE (does not fit) or ENOMEM

  const std::string size = std::to_string(code->width + 2 * qr_quiet_zone);
  std::string svg;
  svg.reserve(static_cast<std::size_t>(code->width) * code->width + 256);
  svg += R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )";
  svg += size;
  svg += ' ';
  svg += size;
  svg += R"(" role="img" shape-rendering="crispEdges"><title>QR code</title><rect width=")";
  svg += size;
  svg += R"(" height=")";
  svg += size;
  svg += R"(" fill="#fff"/><path stroke="#000" d=")";
  svg += dark_runs_path(*code);
  svg += R"("/></svg>)";
  svg += '\n';
  return svg;
}

}  // namespace http
