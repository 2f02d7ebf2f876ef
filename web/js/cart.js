// The cart: sku and quantity per line, kept in localStorage so it survives a
// reload. Names and prices are never stored here: they come from the catalog,
// so a stale cart can never show (or send) an old price.

const KEY = 'ccc.cart.v1';
export const MAX_QUANTITY = 99;

const listeners = new Set();

function clamp(quantity) {
  const n = Math.trunc(Number(quantity));
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(n, MAX_QUANTITY);
}

function read() {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    const lines = [];
    for (const line of parsed) {
      if (!line || typeof line.sku !== 'string' || !line.sku) continue;
      const existing = lines.find((l) => l.sku === line.sku);
      if (existing) existing.quantity = clamp(existing.quantity + clamp(line.quantity));
      else lines.push({ sku: line.sku, quantity: clamp(line.quantity) });
    }
    return lines;
  } catch {
    // Storage disabled or corrupt: an empty cart, not a broken page.
    return [];
  }
}

let lines = read();

function save() {
  try {
    localStorage.setItem(KEY, JSON.stringify(lines));
  } catch {
    // Storage full or disabled: the cart still works until the page closes.
  }
  for (const listener of listeners) listener();
}

// Another tab changed the cart.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY && event.key !== null) return;
  lines = read();
  for (const listener of listeners) listener();
});

export const cart = {
  /** [{sku, quantity}] in the order they were added */
  lines() {
    return lines.map((l) => ({ ...l }));
  },
  count() {
    return lines.reduce((sum, l) => sum + l.quantity, 0);
  },
  quantityOf(sku) {
    return lines.find((l) => l.sku === sku)?.quantity ?? 0;
  },
  add(sku, quantity = 1) {
    const line = lines.find((l) => l.sku === sku);
    if (line) line.quantity = clamp(line.quantity + quantity);
    else lines.push({ sku, quantity: clamp(quantity) });
    save();
  },
  setQuantity(sku, quantity) {
    const line = lines.find((l) => l.sku === sku);
    if (!line) return;
    line.quantity = clamp(quantity);
    save();
  },
  remove(sku) {
    lines = lines.filter((l) => l.sku !== sku);
    save();
  },
  clear() {
    lines = [];
    save();
  },
  /** Calls fn after every change; returns the unsubscribe function. */
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};
