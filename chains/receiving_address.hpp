#pragma once

#include <cstdint>
#include <string>

namespace chains {

/// An address made for one order from the shop's account public key.
struct receiving_address {
  std::string text;         ///< what the customer pays to: bc1q... (lower case), 0x... (EIP-55)
  std::uint32_t index = 0;  ///< the order's child index: the key is <account>/0/index
};

}  // namespace chains
