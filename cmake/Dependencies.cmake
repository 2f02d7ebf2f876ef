# Locates every third-party library and exposes it as an imported target.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(GTest REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# libpq itself: the persistence tests read a URL the way libpq does (PQconninfoParse).
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)

# CAF 0.17.6 as Debian ships it has neither a CMake config nor a pkg-config file.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
add_library(CAF::core UNKNOWN IMPORTED)
set_target_properties(CAF::core PROPERTIES
  IMPORTED_LOCATION ${CAF_CORE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(CAF::io UNKNOWN IMPORTED)
set_target_properties(CAF::io PROPERTIES
  IMPORTED_LOCATION ${CAF_IO_LIBRARY}
  INTERFACE_LINK_LIBRARIES CAF::core)

# Mail. Debian's libcurl4-openssl-dev ships only a pkg-config file; CMake's FindCURL
# module reads it and defines CURL::libcurl. libmstch-dev ships a CMake config with
# mstch::mstch (a static library; its header needs Boost.Variant, header-only).
find_package(CURL REQUIRED)
find_package(mstch REQUIRED)

# Payments: QR codes for payment URIs (libqrencode ships only a pkg-config file).
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)

# Admin identity: argon2id and random secrets (libsodium), TOTP (liboath).
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(OATH REQUIRED IMPORTED_TARGET liboath)

# Receiving addresses from an account's extended public key: BIP32 public derivation
# on secp256k1 (libsecp256k1), Keccak-256 for Ethereum and base58 (Botan 2; OpenSSL 3.0
# has SHA-3 only, which pads differently, and Debian ships no libbase58).
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(BOTAN REQUIRED IMPORTED_TARGET botan-2)
