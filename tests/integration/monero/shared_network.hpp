#pragma once

// One regtest network for the whole test binary: starting it (and mining the
// customer's coins) is most of the suite's time. Tests share the shop's wallet, so
// each works with subaddresses and transactions of its own and looks only at those.

#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>

#include "integration/monero/monero_regtest.hpp"

namespace monero_test {

// Started on first use, on the main thread (tests run there), stopped at exit.
// A failed start is remembered, not retried by every test.
inline monero_regtest* shared_network(std::string& error) {
  static std::unique_ptr<monero_regtest> network;
  static std::string failure;
  static bool tried = false;
  if (!tried) {
    tried = true;
    try {
      network = std::make_unique<monero_regtest>();
      std::cerr << "[monero regtest] started in " << network->startup_time().count() << " ms\n"
                << network->startup_report();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  error = failure;
  return network.get();
}

class with_network : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    net_ = shared_network(error);
    ASSERT_NE(net_, nullptr) << "the Monero regtest network did not start: " << error;
  }

  monero_regtest& net() { return *net_; }

 private:
  monero_regtest* net_ = nullptr;
};

}  // namespace monero_test
