#include "persistence/catalog_store.hpp"

#include <map>

#include "persistence/json_rows.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement load_products{"load_products", R"sql(
select sku, name, description, price_cents, image_url, stock, position
from products
order by position, sku
)sql"};

const named_statement upsert_products{"upsert_products", R"sql(
insert into products as p (sku, name, description, price_cents, image_url, stock, position,
                           updated_at)
select sku, name, description, price_cents, image_url, stock, position, now()
from json_to_recordset($1::json) as r(sku text, name text, description text,
                                      price_cents bigint, image_url text, stock int,
                                      position int)
order by sku
on conflict (sku) do update set
    name = excluded.name,
    description = excluded.description,
    price_cents = excluded.price_cents,
    image_url = excluded.image_url,
    stock = excluded.stock,
    position = excluded.position,
    updated_at = excluded.updated_at
)sql"};

}  // namespace sql

}  // namespace

catalog_store::catalog_store(connection& db) : db_(db) {
  db_.native().declare({&sql::load_products, &sql::upsert_products});
}

std::vector<product_row> catalog_store::load_products() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<product_row> products;
    const auto result = txn.exec_prepared(sql::load_products.name);
    products.reserve(result.size());
    for (const auto& row : result) {
      product_row product;
      product.sku = row[0].as<std::string>();
      product.name = row[1].as<std::string>();
      product.description = row[2].as<std::string>();
      product.price_cents = row[3].as<std::int64_t>();
      product.image_url = row[4].as<std::string>();
      product.stock = row[5].as<int>();
      product.position = row[6].as<int>();
      products.push_back(std::move(product));
    }
    return products;
  });
}

void catalog_store::upsert_products(const std::vector<product_row>& products) {
  if (products.empty()) return;
  // One row per sku (the last one given wins): ON CONFLICT DO UPDATE may not
  // touch a row twice in one statement.
  std::map<std::string, const product_row*> by_sku;
  for (const auto& product : products) by_sku[product.sku] = &product;
  json_rows rows;
  for (const auto& [sku, product] : by_sku) {
    rows.begin_row();
    rows.field("sku", product->sku);
    rows.field("name", product->name);
    rows.field("description", product->description);
    rows.field("price_cents", product->price_cents);
    rows.field("image_url", product->image_url);
    rows.field("stock", static_cast<std::int64_t>(product->stock));
    rows.field("position", static_cast<std::int64_t>(product->position));
    rows.end_row();
  }
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::upsert_products.name, rows.take());
    txn.commit();
  });
}

}  // namespace persistence
