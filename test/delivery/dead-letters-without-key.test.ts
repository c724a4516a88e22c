/** Without the key secret, dead letters are kept (never lost) in clear, flagged, and the admin listing says how to fix it. */
import { expect, it } from "vitest";
import { BASE, P, call, testEnv } from "../helpers/worker.ts";
import { dead, rawRows, storeFor } from "./dead-letters-support.ts";

it("stores a dead letter unencrypted, marks it so and reports the missing secret", async () => {
  const { name, store } = storeFor({ shards: 1 }, { TAGWIRE_DEAD_LETTER_KEY: undefined });
  expect(store.status()).toMatchObject({ encrypted: false, warning: expect.stringContaining("wrangler secret put TAGWIRE_DEAD_LETTER_KEY") });
  await store.add([dead(1)], Date.now());
  expect(String((await rawRows(name, "0"))[0]!.payload)).toContain("jane.doe@example.com");
  const [d] = await store.list({});
  expect(d).toMatchObject({ encrypted: false, event: { event_id: "evt_dead_001" } });
});

it("tells the operator in the admin listing whether dead letters are encrypted", async () => {
  const list = (env: Record<string, unknown>) =>
    call(new Request(`${BASE}${P}/admin/dead-letters?limit=1`, { headers: { authorization: "Bearer admin_test_token_0123456789" } }), { extraEnv: env });
  const on = (await (await list({})).json()) as { store: Record<string, unknown> };
  expect(on.store).toEqual({ encrypted: true, key_secret: "TAGWIRE_DEAD_LETTER_KEY", retention_days: 30 });
  const off = (await (await list({ TAGWIRE_DEAD_LETTER_KEY: undefined })).json()) as { store: Record<string, unknown> };
  expect(off.store).toMatchObject({ encrypted: false, warning: expect.stringContaining("unencrypted") });
  expect(testEnv.TAGWIRE_DEAD_LETTER_KEY).toBeTypeOf("string");
});
