#include "domain/catalog.hpp"

namespace domain {

catalog::catalog(std::vector<product> products) : products_(std::move(products)) {
  for (std::size_t i = 0; i < products_.size(); ++i) index_.emplace(products_[i].id.value(), i);
}

const product* catalog::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &products_[it->second];
}

}  // namespace domain
