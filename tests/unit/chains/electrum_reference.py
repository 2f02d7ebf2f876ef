#!/usr/bin/python3
"""Reference derivations for tests/unit/chains, by Debian's python3-electrum (and, for
Keccak-256, python3-pycryptodome): what a real wallet makes of the same keys. The C++
suite runs this at test time and compares.

The seed is BIP39's public test mnemonic ("abandon" x 11, "about"), whose published
BIP84 and Ethereum addresses the suite checks too. Never use it for money.

  electrum_reference.py account-key bitcoin NETWORK    the BIP84 account's zpub/vpub
  electrum_reference.py account-key ethereum           the xpub at m/44'/60'/0'
  electrum_reference.py bitcoin-addresses KEY NETWORK N   KEY/0/i as P2WPKH, i < N
  electrum_reference.py ethereum-addresses XPUB N      KEY/0/i as EIP-55, i < N
  electrum_reference.py secrets NETWORK                private forms of the same seed, one per line
NETWORK: mainnet, testnet or regtest.
"""
import sys

from electrum import bip32, bitcoin, constants, keystore
from Cryptodome.Hash import keccak

TEST_MNEMONIC = " ".join(["abandon"] * 11 + ["about"])
NETS = {"mainnet": constants.BitcoinMainnet, "testnet": constants.BitcoinTestnet,
        "regtest": constants.BitcoinRegtest}


def root(xtype):
    return bip32.BIP32Node.from_rootseed(keystore.bip39_to_seed(TEST_MNEMONIC, ""), xtype=xtype)


def bip84_path(network):
    return "m/84'/0'/0'" if network == "mainnet" else "m/84'/1'/0'"


def keccak256(data):
    return keccak.new(digest_bits=256, data=data).digest()


def eip55(address_bytes):
    lower = address_bytes.hex()
    digest = keccak256(lower.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c
                          for i, c in enumerate(lower))


def main(args):
    command = args[0]
    if command == "account-key" and args[1] == "bitcoin":
        net = NETS[args[2]]
        account = root("p2wpkh").subkey_at_private_derivation(bip84_path(args[2]))
        print(account.to_xpub(net=net))
    elif command == "account-key" and args[1] == "ethereum":
        print(root("standard").subkey_at_private_derivation("m/44'/60'/0'").to_xpub())
    elif command == "bitcoin-addresses":
        net = NETS[args[2]]
        account = bip32.BIP32Node.from_xkey(args[1], net=net)
        for i in range(int(args[3])):
            key = account.subkey_at_public_derivation([0, i]).eckey.get_public_key_hex(compressed=True)
            print(bitcoin.pubkey_to_address("p2wpkh", key, net=net))
    elif command == "ethereum-addresses":
        account = bip32.BIP32Node.from_xkey(args[1])
        for i in range(int(args[2])):
            key = account.subkey_at_public_derivation([0, i]).eckey.get_public_key_bytes(compressed=False)
            print(eip55(keccak256(key[1:])[-20:]))
    elif command == "secrets":
        net = NETS[args[1]]
        master = root("p2wpkh")
        account = master.subkey_at_private_derivation(bip84_path(args[1]))
        first = account.subkey_at_private_derivation([0, 0]).eckey.get_secret_bytes()
        print(root("standard").to_xprv(net=net))  # xprv / tprv
        print(account.to_xprv(net=net))  # zprv / vprv
        constants.net = net  # serialize_privkey reads the network from here
        print(bitcoin.serialize_privkey(first, True, "p2pkh").split(":", 1)[1])  # WIF, compressed
        print(bitcoin.serialize_privkey(first, False, "p2pkh").split(":", 1)[1])  # WIF, uncompressed
        print(bitcoin.serialize_privkey(first, True, "p2wpkh"))  # as Electrum exports it: "p2wpkh:K..."
        print(first.hex())  # the raw private key
        print(TEST_MNEMONIC)
    else:
        sys.exit(f"unknown command: {' '.join(args)}")


if __name__ == "__main__":
    main(sys.argv[1:])
