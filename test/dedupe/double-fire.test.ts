import { expect, it } from "vitest";
import { bucket, configWithHook, cookie, doubleRequests, send } from "../helpers/worker.ts";

const added = (id: string) => ({ name: "product_added", event_id: id, properties: { product_id: "sku_1", price: 10 } });

async function visitorCookie(config: Record<string, unknown>): Promise<string> {
  const res = await send({ name: "page_viewed", event_id: `evt_${crypto.randomUUID()}` }, { config });
  return cookie(res, "tw_id")!.split(";")[0]!;
}

it("collapses the same visitor's identical event fired twice within the double-fire window", async () => {
  const b = bucket();
  const config = configWithHook(b);
  const tw = await visitorCookie(config);
  await send(added(`evt_${crypto.randomUUID()}`), { config, headers: { cookie: tw } });
  const again = await send(added(`evt_${crypto.randomUUID()}`), { config, headers: { cookie: tw } });
  expect(again.status).toBe(202);
  const names = (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events as { name: string }[]).map((e) => e.name);
  expect(names.filter((n) => n === "product_added")).toHaveLength(1);
});

it("forwards both when double-fire collapse is turned off (double_fire_seconds = 0)", async () => {
  const b = bucket();
  const config = configWithHook(b, (c) => (c.dedupe = { double_fire_seconds: 0 }));
  const tw = await visitorCookie(config);
  await send(added(`evt_${crypto.randomUUID()}`), { config, headers: { cookie: tw } });
  await send(added(`evt_${crypto.randomUUID()}`), { config, headers: { cookie: tw } });
  const names = (await doubleRequests(b)).flatMap((r) => JSON.parse(r.body).events as { name: string }[]).map((e) => e.name);
  expect(names.filter((n) => n === "product_added")).toHaveLength(2);
});
