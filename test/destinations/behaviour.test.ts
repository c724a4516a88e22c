/**
 * The behaviour every destination shares, run against each one's contract module: consent, PII, determinism,
 * unmapped events, bots.
 */
import { describe, expect, it } from "vitest";
import { definitionOf } from "../../src/destinations/registry.ts";
import { CONTRACTS } from "../contracts/index.ts";
import { DENIED, leadEvent, minimalEvent, purchaseEvent } from "../contracts/fixture.ts";
import { runContract } from "../contracts/run.ts";

const RAW_PII = ["Jane.Doe@Example.com", "jane.doe@example.com", "555-0100", "4155550100", "Jane", "Doe"];

for (const mod of CONTRACTS) {
  const def = definitionOf(mod.type);
  describe(`${mod.type} shared behaviour`, () => {
    it("sends no request when the consent its purpose needs is denied", async () => {
      const { requests } = await runContract(mod, [purchaseEvent({ consent: DENIED }), leadEvent({ consent: DENIED })]);
      expect(requests).toHaveLength(def.purpose === "none" ? requests.length : 0);
    });

    it("sends no request for events marked as bots", async () => {
      const { requests, results } = await runContract(mod, [purchaseEvent({ context: { bot: true } })]);
      expect(requests).toHaveLength(0);
      expect(results[0]).toMatchObject({ kind: "skipped", reason: "bot" });
    });

    it("builds the same requests twice under a fixed clock", async () => {
      const a = await runContract(mod, [purchaseEvent(), leadEvent()]);
      const b = await runContract(mod, [purchaseEvent(), leadEvent()]);
      expect(b.requests).toEqual(a.requests);
    });

    it("ignores events no mapping names", async () => {
      const { requests, results } = await runContract(mod, [minimalEvent({ name: "newsletter_opened" })]);
      if (def.defaultEventName?.("newsletter_opened") === undefined) {
        expect(requests).toHaveLength(0);
        expect(results[0]).toMatchObject({ kind: "skipped" });
      }
    });

    if (def.adNetwork) {
      it("never puts raw PII in a request to an ad network", async () => {
        const { requests } = await runContract(mod, [purchaseEvent(), leadEvent()]);
        expect(requests.length).toBeGreaterThan(0);
        for (const r of requests) {
          const wire = `${r.url}\n${JSON.stringify(r.headers)}\n${r.body ?? ""}`;
          for (const pii of RAW_PII) expect(wire).not.toContain(pii);
        }
      });

      it("sends no user data when ad_user_data is denied", async () => {
        const { requests } = await runContract(mod, [
          purchaseEvent({ consent: { analytics: true, ads: true, ad_user_data: false, ad_personalization: false, gpc: false } }),
        ]);
        for (const r of requests) expect(r.body ?? "").not.toContain("86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d");
      });
    }
  });
}
