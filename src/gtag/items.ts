/**
 * GA4's item encoding on /g/collect: `pr1`, `pr2`, … each hold one item as `~`-separated fields, every field
 * a two-letter key followed by its value (`idSKU_1~nmT-Shirt~pr9.99~qt2`). Custom item parameters come as
 * pairs `k0<name>~v0<value>`. Items become Tagwire's `properties.items` entries (id, name, price, quantity,
 * brand, category, variant, …), the shape every destination reads line items from.
 */

const FIELDS: ReadonlyMap<string, string> = new Map([
  ["id", "id"],
  ["nm", "name"],
  ["br", "brand"],
  ["ca", "category"],
  ["c2", "category2"],
  ["c3", "category3"],
  ["c4", "category4"],
  ["c5", "category5"],
  ["va", "variant"],
  ["pr", "price"],
  ["qt", "quantity"],
  ["cp", "coupon"],
  ["ds", "discount"],
  ["af", "affiliation"],
  ["lp", "index"],
  ["li", "list_id"],
  ["ln", "list_name"],
  ["lo", "location_id"],
]);
const NUMERIC = new Set(["price", "quantity", "discount", "index"]);
const SAFE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
// The pipeline rejects these as property keys; an item parameter so named is left out rather than sinking the hit.
const RESERVED = new Set(["constructor", "prototype"]);
export const MAX_ITEMS = 200;

/** One `prN` value as an item object. */
export function parseItem(raw: string): Record<string, string | number> {
  const item: Record<string, string | number> = {};
  const custom = new Map<string, { k?: string; v?: string }>();
  for (const field of raw.split("~")) {
    if (field.length < 2) continue;
    const key = field.slice(0, 2);
    const value = field.slice(2);
    const kv = /^([kv])(\d)$/.exec(key);
    if (kv) {
      const slot = custom.get(kv[2]!) ?? {};
      slot[kv[1] as "k" | "v"] = value;
      custom.set(kv[2]!, slot);
      continue;
    }
    const name = FIELDS.get(key);
    if (!name || value === "") continue;
    const n = Number(value);
    item[name] = NUMERIC.has(name) && value.trim() !== "" && Number.isFinite(n) ? n : value;
  }
  for (const { k, v } of custom.values()) {
    if (k && v !== undefined && SAFE_KEY.test(k) && !RESERVED.has(k) && !Object.hasOwn(item, k)) item[k] = v;
  }
  return item;
}

/** `pr1…prN` of one hit, in index order. */
export function itemsOfHit(params: URLSearchParams): Record<string, string | number>[] {
  const found: [number, string][] = [];
  for (const [k, v] of params) {
    const m = /^pr(\d{1,3})$/.exec(k);
    if (m && found.length < MAX_ITEMS) found.push([Number(m[1]), v]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, v]) => parseItem(v));
}
