#pragma once

// The products the shop sells, shared by every node.

#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace persistence {

class catalog_store {
 public:
  explicit catalog_store(connection& db);

  std::vector<product_row> load_products();                        // by position, then sku
  void upsert_products(const std::vector<product_row>& products);  // one transaction

 private:
  connection& db_;
};

}  // namespace persistence
