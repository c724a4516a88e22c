/** End to end through the Worker: a purchase reaches Pinterest's test mode with the epik click id and hashes. */
import { describe, expect, it } from "vitest";
import { bucket, configCopy, doubleRequests, purchase, send, testEnv } from "../helpers/worker.ts";

const TOKEN = "pin-e2e-token-0000";

function pinterestConfig(b: string, mode: "live" | "test") {
  const c = configCopy();
  c.destinations = {
    pin: {
      type: "pinterest",
      mode,
      endpoint: `${testEnv.DOUBLE_BASE}/${b}`,
      ad_account_id: "549755885175",
      conversion_token: "PINTEREST_TEST_TOKEN",
      events: { purchase_completed: "checkout" },
    },
  };
  return c;
}

describe("Pinterest through the Worker", () => {
  it("sends a browser purchase in test mode with ?test=true, the epik click id in clear and a hashed email", async () => {
    const b = bucket();
    const res = await send(
      purchase({
        page: { url: "https://shop.example.com/checkout/complete?epik=dj0yJnU9e2e-epik", title: "Thank you" },
        traits: { email: "Jane.Doe@Example.com" },
      }),
      { config: pinterestConfig(b, "test"), extraEnv: { PINTEREST_TEST_TOKEN: TOKEN } },
    );
    expect(res.status).toBe(202);
    const sent = await doubleRequests(b);
    expect(sent.map((r) => `${r.method} ${r.path}${r.query}`)).toEqual([`POST /${b}/v5/ad_accounts/549755885175/events?test=true`]);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const event = JSON.parse(sent[0]!.body).data[0];
    expect(event).toMatchObject({
      event_name: "checkout",
      action_source: "web",
      event_id: "evt_purchase_0001",
      user_data: {
        em: ["86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"],
        client_ip_address: "203.0.113.10",
        click_id: "dj0yJnU9e2e-epik",
      },
      custom_data: { currency: "USD", value: "129.99", order_id: "ord_1001" },
    });
    expect(sent[0]!.body).not.toContain("Jane.Doe@Example.com");
  });
});
