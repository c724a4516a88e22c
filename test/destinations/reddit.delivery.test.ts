/** End to end through the Worker: a purchase reaches Reddit with rdt_cid, _rdt_uuid and Reddit's email form. */
import { describe, expect, it } from "vitest";
import { bucket, configCopy, doubleRequests, purchase, send, testEnv } from "../helpers/worker.ts";

const TOKEN = "rdt-e2e-token-0000";
const RDT_UUID = "1780000000000.11111111-2222-3333-4444-555555555555";

describe("Reddit through the Worker", () => {
  it("sends a browser purchase with the click id, the cookie uuid and hashed email and IP", async () => {
    const b = bucket();
    const c = configCopy();
    c.destinations = {
      rdt: {
        type: "reddit",
        endpoint: `${testEnv.DOUBLE_BASE}/${b}`,
        ad_account_id: "t2_e2e",
        conversion_token: "REDDIT_TEST_TOKEN",
        events: { purchase_completed: "Purchase" },
      },
    };
    const res = await send(
      purchase({
        page: { url: "https://shop.example.com/checkout/complete?rdt_cid=rdt-e2e-click-0001", title: "Thank you" },
        traits: { email: "Jane.Doe@Example.com" },
      }),
      { config: c, extraEnv: { REDDIT_TEST_TOKEN: TOKEN }, headers: { cookie: `_rdt_uuid=${RDT_UUID}` } },
    );
    expect(res.status).toBe(202);
    const sent = await doubleRequests(b);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /${b}/api/v2.0/conversions/events/t2_e2e`]);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const body = JSON.parse(sent[0]!.body);
    expect(body.test_mode).toBe(false);
    expect(body.events[0]).toMatchObject({
      event_type: { tracking_type: "Purchase" },
      click_id: "rdt-e2e-click-0001",
      event_metadata: { currency: "USD", value_decimal: 129.99, conversion_id: "evt_purchase_0001" },
      user: {
        email: "c4d25e9c90ff23e9145397bc6fbd5385ca5fbe78211222ccbecd0b369ebb19a6",
        ip_address: "631f08140b24b7274d12df3c37a1a80ce5876dafd7007d772e0114fddf88b682",
        uuid: RDT_UUID,
      },
    });
  });
});
