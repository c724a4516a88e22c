/**
 * Safari's IP-address rule (WebKit bug 246477, shipped in Safari 16.4): cookies set by a same-site
 * subresource response are capped at 7 days when the server's IP address does not share the first half of
 * the site's own address. WebKit's `shouldCapCookieExpiryForThirdPartyIPAddress`
 * (Source/WebKit/NetworkProcess/cocoa/NetworkTaskCocoa.mm) caps when
 * `remote.matchingNetMaskLength(firstParty) < 4 * sizeof(in_addr)` for IPv4 (16 bits) and
 * `< 4 * sizeof(in6_addr)` for IPv6 (64 bits). A CNAME to another site is capped by the same code first.
 */
import { isIPv4, isIPv6 } from "node:net";

export const SAFARI_MATCH_BITS = { 4: 16, 6: 64 } as const;

function bytesOf(ip: string): number[] | null {
  if (isIPv4(ip)) return ip.split(".").map(Number);
  if (!isIPv6(ip)) return null;
  // Expand "::" and an embedded IPv4 tail into eight 16-bit groups.
  let [head, tail] = ip.includes("::") ? ip.split("::") as [string, string] : [ip, ""];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(tail || head);
  const toGroups = (s: string) => (s ? s.split(":") : []);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    const groups = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    if (tail) tail = tail.replace(v4[1]!, groups);
    else head = head.replace(v4[1]!, groups);
  }
  const h = toGroups(head);
  const t = toGroups(tail);
  const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** Leading bits two addresses share (0 when the families differ), as WebKit's matchingNetMaskLength counts. */
export function matchingBits(a: string, b: string): number {
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (!x || !y || x.length !== y.length) return 0;
  let bits = 0;
  for (let i = 0; i < x.length; i++) {
    const diff = x[i]! ^ y[i]!;
    if (diff === 0) {
      bits += 8;
      continue;
    }
    bits += Math.clz32(diff) - 24;
    break;
  }
  return bits;
}

/** Whether Safari caps a cookie set from `remote` on a page served from `firstParty`. */
export function safariCaps(remote: string, firstParty: string): boolean {
  const need = isIPv4(remote) ? SAFARI_MATCH_BITS[4] : SAFARI_MATCH_BITS[6];
  return matchingBits(remote, firstParty) < need;
}

export type IpVerdict = "same-range" | "mixed" | "capped" | "unknown";

/**
 * Compares every address of the tracking host with every address of the site, family by family. A browser
 * may connect to any of them, so the cookie lasts only when every pair that can occur shares the range.
 */
export function compareAddresses(tracking: readonly string[], site: readonly string[]): { verdict: IpVerdict; pairs: [string, string, boolean][] } {
  const pairs: [string, string, boolean][] = [];
  for (const t of tracking) for (const s of site) if (isIPv4(t) === isIPv4(s)) pairs.push([t, s, safariCaps(t, s)]);
  if (pairs.length === 0) return { verdict: "unknown", pairs };
  const capped = pairs.filter((p) => p[2]).length;
  return { verdict: capped === 0 ? "same-range" : capped === pairs.length ? "capped" : "mixed", pairs };
}
