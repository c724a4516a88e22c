/** Country lists for regional consent defaults. */

/** EU member states plus Iceland, Liechtenstein and Norway. */
export const EEA = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
  "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
] as const;

export function expandRegions(list: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const r of list) {
    if (r === "EEA") for (const c of EEA) out.add(c);
    else out.add(r);
  }
  return out;
}
