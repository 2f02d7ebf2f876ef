// The catalog, fetched once per page load and shared by every view.

import { apiRequest } from '../shared/api.js';

let catalog = null;

/** [{sku, name, description, price_cents, image_url, in_stock}] */
export function loadProducts() {
  if (!catalog) {
    catalog = apiRequest('/api/products').catch((error) => {
      catalog = null; // the next view tries again
      throw error;
    });
  }
  return catalog;
}

/** The product with this sku from the loaded catalog, or undefined. */
export async function findProduct(sku) {
  const products = await loadProducts();
  return products.find((p) => p.sku === sku);
}

/**
 * The cart's lines joined with the catalog: [{sku, quantity, product}], where
 * product is undefined for a sku the shop no longer sells.
 */
export async function cartLinesWithProducts(lines) {
  const products = await loadProducts();
  return lines.map((line) => ({ ...line, product: products.find((p) => p.sku === line.sku) }));
}
