#pragma once

// The shop keeps no hot wallet: it reads an account's extended PUBLIC key and nothing
// that can spend. This screen recognises the secrets an owner might paste by mistake,
// so that they are refused with one distinct error (key_problem::secret_given) before
// anything else looks at them, and never repeated in a message or a log.

#include <string_view>

namespace chains {

/// The whole error text for a refused secret: it names what to paste instead and
/// contains nothing of what was given.
inline constexpr const char* secret_refused_detail =
    "a private key or seed was given; paste the account's extended public key";

/// Whether `text` is (or is a mistyped copy of) a secret rather than a public key:
/// - an extended private key: xprv, yprv, zprv, tprv, uprv, vprv and their multisig
///   variants, or any 78-byte BIP32 serialization whose key data is a private key;
/// - a WIF private key (51 or 52 characters, also behind Electrum's "p2wpkh:" prefix),
///   or a BIP38 encrypted one ("6P...");
/// - 64 hex digits (a raw private key, with or without 0x);
/// - a seed phrase: 12 or more words of letters (BIP39 in any language, Electrum's).
/// A mistyped secret is still a secret: shapes are recognised without their checksum.
bool looks_like_a_secret(std::string_view text);

}  // namespace chains
