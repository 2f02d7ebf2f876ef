#pragma once

// Payment QR codes as standalone SVG (GET /api/orders/{id}/payment-qr.svg).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace http {

/// Most bytes one QR code holds at error correction level M in 8-bit mode (version 40).
inline constexpr std::size_t qr_max_bytes = 2331;

/// Light modules around the symbol that scanners need to find it (ISO/IEC 18004).
inline constexpr int qr_quiet_zone = 4;

/// `text` (a payment URI, e.g. `monero:4...?tx_amount=0.041230`) as a QR code in an SVG
/// document: level M, 8-bit mode, the smallest version that fits, a 4-module quiet zone.
/// One user unit per module, so the viewBox is `0 0 n n` with n = symbol width + 8; there
/// is no width/height, so the page sizes it. Accessible (`role="img"`, a <title>).
/// nullopt for empty text or more than `qr_max_bytes` bytes. Safe to call from several
/// threads at once.
std::optional<std::string> qr_svg(std::string_view text);

}  // namespace http
