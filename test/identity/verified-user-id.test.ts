/** identity.verify_user_id: a browser's user_id counts only with the backend's HMAC signature. */
import { describe, expect, it } from "vitest";
import { viewFor } from "../../src/destinations/eligibility.ts";
import { definitionOf } from "../../src/destinations/registry.ts";
import { hmacSha256Hex, sha256Hex } from "../../src/identity/hash.ts";
import { bucket, configWithHook, doubleRequests, send } from "../helpers/worker.ts";
import { CONTRACTS } from "../contracts/index.ts";
import { contractConfig, runContract } from "../contracts/run.ts";
import { purchaseEvent } from "../contracts/fixture.ts";

const SECRET = "uid_secret_0123456789";
let n = 0;
const lead = (extra: Record<string, unknown>) => ({ name: "lead_submitted", event_id: `uid_evt_${Date.now()}_${++n}`, properties: { lead_id: `l${n}` }, ...extra });

async function delivered(body: Record<string, unknown>, on = true) {
  const b = bucket();
  const config = configWithHook(b, (c) => on && (c.identity = { verify_user_id: true, secret: "TEST_USER_ID_SECRET" }));
  const res = await send(body, { config, extraEnv: { TEST_USER_ID_SECRET: SECRET } });
  expect(res.status).toBe(202);
  return JSON.parse((await doubleRequests(b))[0]!.body).events[0];
}

describe("verified user ids", () => {
  it("marks a user_id signed by the backend as verified", async () => {
    const sig = await hmacSha256Hex(SECRET, "user_42");
    expect(await delivered(lead({ user_id: "user_42", user_id_signature: sig }))).toMatchObject({ user_id: "user_42", user_id_verified: true });
    expect(await delivered(lead({ user_id: "user_42", user_id_signature: sig.toUpperCase() }))).toMatchObject({ user_id_verified: true });
  });

  it("marks a forged, missing or mismatched signature as unverified", async () => {
    const other = await hmacSha256Hex(SECRET, "user_43");
    for (const extra of [{}, { user_id_signature: other }, { user_id_signature: "zz" }, { user_id_signature: await hmacSha256Hex("wrong", "user_42") }]) {
      expect(await delivered(lead({ user_id: "user_42", ...extra }))).toMatchObject({ user_id: "user_42", user_id_verified: false });
    }
  });

  it("adds no mark when verification is off", async () => {
    expect((await delivered(lead({ user_id: "user_42" }), false)).user_id_verified).toBeUndefined();
  });

  it("keeps an unverified user_id (and external_id) from every destination but the webhook", async () => {
    const forged = purchaseEvent({ user_id: "victim_77", user_id_verified: false, user: { email: "attacker@example.com", external_id: "victim_77" } });
    for (const mod of CONTRACTS) {
      const { requests } = await runContract(mod, [forged]);
      const wire = requests.map((r) => `${r.url} ${r.body ?? ""}`).join("\n");
      if (mod.type === "webhook") continue;
      expect(wire, mod.type).not.toContain("victim_77");
      expect(wire, mod.type).not.toContain(await sha256Hex("victim_77"));
    }
    const cfg = contractConfig(CONTRACTS.find((m) => m.type === "webhook")!);
    expect(viewFor(cfg.destinations.dest!, definitionOf("webhook"), forged).user_id).toBe("victim_77");
  });
});
