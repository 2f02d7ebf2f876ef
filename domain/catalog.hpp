#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "domain/strong_types.hpp"

namespace domain {

struct product {
  sku id;
  std::string name;
  std::string description;
  cents price;
  std::string image_url;
  int stock = 0;
  bool in_stock() const { return stock > 0; }
};

/// The products the shop sells, in display order. Immutable once built:
/// many threads read one shared catalog.
class catalog {
 public:
  catalog() = default;
  explicit catalog(std::vector<product> products);
  const std::vector<product>& products() const { return products_; }
  const product* find(const std::string& id) const;

 private:
  std::vector<product> products_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace domain
