/** The signature header is parsed exactly: no Unicode-space variants of a captured signature verify. */
import { describe, expect, it } from "vitest";
import { canonicalSignature } from "../../src/s2s/verify.ts";
import { bucket, call, configWithHook, doubleRequests } from "../helpers/worker.ts";
import { signedRequest } from "../helpers/s2s.ts";

const lead = () => ({ name: "lead_submitted", event_id: `evt_strict_${crypto.randomUUID()}`, properties: { lead_id: "lead_1" } });

// No-break space, ideographic space, byte-order mark: all removed by String#trim, none allowed in the header.
const PADDINGS = ["\u00a0", "\u3000", "\ufeff"];

describe("s2s signature parsing", () => {
  it("refuses a captured signature padded with Unicode whitespace, so one signed request delivers once", async () => {
    const b = bucket();
    const config = configWithHook(b);
    const req = await signedRequest(lead());
    const sig = req.headers.get("x-tagwire-signature")!;
    const copies = PADDINGS.flatMap((p) => [`${sig}${p}`, `${p}${sig}`]);
    expect((await call(req.clone(), { config })).status).toBe(202);
    for (const variant of copies) {
      const forged = new Request(req.clone(), { headers: { ...Object.fromEntries(req.headers), "x-tagwire-signature": variant } });
      const res = await call(forged, { config });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("signature_invalid");
    }
    expect((await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events)).toHaveLength(1);
  });

  it("gives one canonical spelling per signature: lowercase hex, and nothing for any other format", () => {
    const hex = "ab".repeat(32);
    expect(canonicalSignature(`sha256=${hex.toUpperCase()}`)).toBe(`sha256=${hex}`);
    expect(canonicalSignature(`sha256=${hex}`)).toBe(`sha256=${hex}`);
    for (const bad of [` sha256=${hex}`, `sha256=${hex}\u00a0`, `SHA256=${hex}`, `sha256=${hex}0`, `sha256=${"\uff10".repeat(64)}`, `sha256= ${hex}`]) {
      expect(canonicalSignature(bad)).toBeUndefined();
    }
  });
});
