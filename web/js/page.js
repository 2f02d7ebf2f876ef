// The storefront's page title, set by each view.

/** "Checkout" → "Checkout · Cleveland Cartridge Co"; '' → the shop's name alone. */
export function pageTitle(text) {
  document.title = text ? `${text} · Cleveland Cartridge Co` : 'Cleveland Cartridge Co';
}
