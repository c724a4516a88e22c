/** The signed webhook end to end: what arrives at the receiver, and that its signature verifies. */
import { expect, it } from "vitest";
import { hmacSha256Hex, sha256Hex } from "../../src/identity/hash.ts";
import { bucket, configWithHook, doubleRequests, send } from "../helpers/worker.ts";

it("delivers a canonical event whose HMAC signature verifies, with hashed PII and an idempotency key", async () => {
  const b = bucket();
  const eventId = `hook_evt_${Date.now()}`;
  const before = Math.floor(Date.now() / 1000);
  await send(
    {
      name: "purchase_completed",
      event_id: eventId,
      properties: { order_id: `o_${eventId}`, value: 19.99, currency: "USD" },
      user_id: "cus_7",
      traits: { email: " Jane.Doe@Example.com", phone: "+1 (415) 555-0100" },
      page: { url: "https://shop.example.com/thanks?utm_source=x" },
    },
    { config: configWithHook(b) },
  );
  const [req] = await doubleRequests(b);
  expect(req!.method).toBe("POST");
  expect(req!.headers["content-type"]).toBe("application/json");
  expect(req!.headers["tagwire-version"]).toBe("2026-11-01");
  expect(req!.headers["idempotency-key"]).toBe(eventId);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(req!.headers["tagwire-signature"]!)!;
  expect(Number(m[1])).toBeGreaterThanOrEqual(before);
  expect(m[2]).toBe(await hmacSha256Hex("whsec_test_0123456789", `${m[1]}.${req!.body}`));
  expect(m[2]).not.toBe(await hmacSha256Hex("wrong-secret", `${m[1]}.${req!.body}`));

  const e = JSON.parse(req!.body).events[0];
  expect(e).toMatchObject({
    event_id: eventId,
    name: "purchase_completed",
    source: "browser",
    user_id: "cus_7",
    value: 19.99,
    currency: "USD",
    value_kind: "actual",
    page: { url: "https://shop.example.com/thanks?utm_source=x", path: "/thanks" },
    campaign: { source: "x" },
    context: { ip: "203.0.113.10", geo: { country: "US" }, device: { type: "desktop" }, bot: false },
    consent: { analytics: true, ads: true, gpc: false },
  });
  expect(e.user).toEqual({
    email: "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d",
    phone: await sha256Hex("14155550100"),
  });
  expect(req!.body).not.toContain("Jane");
});
